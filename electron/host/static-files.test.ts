import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInside, loadStatic, resolveStatic } from './static-files';

/**
 * A root with a secret right beside it: every escape attempt aims at the secret, so a guard that is
 * gone shows up as the secret's bytes in the answer, not only as a different status.
 */
let base: string;
let root: string;
const SECRET = 'SECRET-beside-the-static-root';

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'rescue-static-guard-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret'), SECRET);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.txt'), SECRET);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('static files: what is served', () => {
  it('serves files inside the root with their type, and index.html for app routes', async () => {
    expect(await resolveStatic(root, '/assets/app.js')).toMatchObject({ kind: 'file', type: 'text/javascript; charset=utf-8' });
    const index = await resolveStatic(root, '/');
    expect(index.kind === 'file' && index.body.toString()).toContain('<title>app</title>');
    const route = await resolveStatic(root, '/rescue/0123?token=abc#x');
    expect(route.kind === 'file' && route.body.toString()).toContain('<title>app</title>');
    expect(await resolveStatic(root, '/assets/missing.js')).toEqual({ kind: 'not-found' });
  });

  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.ico', 'image/x-icon'],
    ['a.json', 'application/json'],
    ['a.woff2', 'font/woff2'],
    ['a.js.map', 'application/json'],
    ['a.wasm', 'application/octet-stream'],
  ])('serves %s as %s', async (name, type) => {
    writeFileSync(join(root, 'assets', name), 'x');
    expect(await resolveStatic(root, `/assets/${name}`)).toEqual({ kind: 'file', body: Buffer.from('x'), type });
  });

  it('without an index.html an app route is not found (nothing else is served instead)', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'rescue-static-bare-'));
    try {
      expect(await resolveStatic(bare, '/rescue')).toEqual({ kind: 'not-found' });
      expect(await loadStatic(bare, '/')).toBeNull();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('decodes ordinary percent-encoding inside the root', async () => {
    expect(await resolveStatic(root, '/assets/%61pp.js')).toMatchObject({ kind: 'file' });
  });
});

describe('static files: traversal, however encoded, is refused', () => {
  it.each([
    '/../secret',
    '/..%2fsecret',
    '/..%2Fsecret.txt',
    '/%2e%2e/secret',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc/passwd',
    '/..%5csecret',
    '/..\\secret',
    '/%2f..%2f..%2fsecret',
    '//..%2fsecret',
    '/..%2frenderer-evil/x.txt',
    '/..',
  ])('%s', async (path) => {
    const result = await resolveStatic(root, path);
    expect(result).toEqual({ kind: 'outside' });
    expect(await loadStatic(root, path)).toBeNull();
  });

  it('an absolute path after decoding stays inside the root', async () => {
    const absolute = `/${encodeURIComponent(join(base, 'secret'))}`;
    const result = await resolveStatic(root, absolute);
    if (result.kind === 'file') expect(result.body.toString()).not.toContain(SECRET);
    else expect(['not-found', 'outside']).toContain(result.kind);
  });

  it('double encoding is decoded once only: it names a file inside the root, which does not exist', async () => {
    const result = await resolveStatic(root, '/%252e%252e%252fsecret.txt');
    expect(result).toEqual({ kind: 'not-found' });
  });

  it('isInside is about path segments, not string prefixes', () => {
    expect(isInside('/srv/app', '/srv/app')).toBe(true);
    expect(isInside('/srv/app', '/srv/app/a/b.js')).toBe(true);
    expect(isInside('/srv/app', '/srv/app-evil/x')).toBe(false);
    expect(isInside('/srv/app', '/srv')).toBe(false);
    expect(isInside('/srv/app', '/etc/passwd')).toBe(false);
    expect(isInside('/srv/app', '/srv/app/..foo')).toBe(true);
  });
});

describe('static files: undecodable paths are a bad request, never a throw', () => {
  it.each(['/%ff', '/%', '/%zz', '/a%e0%a4', '/%c0%af', '/..%c0%af..%c0%afetc/passwd', '/a%00.html', '/%00'])('%s', async (path) => {
    await expect(resolveStatic(root, path)).resolves.toEqual({ kind: 'bad-request' });
    await expect(loadStatic(root, path)).resolves.toBeNull();
  });
});
