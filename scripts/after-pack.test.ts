import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const afterPack = require('./after-pack.cjs') as (context: unknown) => Promise<void>;
const { flipFuses } = require('@electron/fuses') as { flipFuses(path: string, config: unknown): Promise<unknown> };

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's stock wire: run-as-node, NODE_OPTIONS, --inspect and file:// privileges on.
const STOCK = '10110001';

let appOutDir: string;

beforeEach(() => {
  appOutDir = mkdtempSync(join(tmpdir(), 'after-pack-'));
  writeFileSync(join(appOutDir, 'particle-rescue'), Buffer.concat([Buffer.from(`binary${SENTINEL}`), Buffer.from([1, 8]), Buffer.from(STOCK)]));
});

afterEach(() => {
  rmSync(appOutDir, { recursive: true, force: true });
});

function context(addElectronFuses: (ctx: { appOutDir: string }, config: unknown) => Promise<unknown>) {
  return {
    appOutDir,
    electronPlatformName: 'linux',
    arch: 1,
    packager: { executableName: 'particle-rescue', appInfo: { productFilename: 'Particle Rescue' }, addElectronFuses },
  };
}

function wire(): string {
  const bytes = readFileSync(join(appOutDir, 'particle-rescue'));
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  return bytes.subarray(at, at + 8).toString('latin1');
}

describe('afterPack hook', () => {
  it('flips the fuses of the packaged binary through electron-builder', async () => {
    await afterPack(context((ctx, config) => flipFuses(join(ctx.appOutDir, 'particle-rescue'), config)));
    // RunAsNode off, cookies encrypted, NODE_OPTIONS off, --inspect off, asar integrity on,
    // asar only on, no browser V8 snapshot, no file:// privileges.
    expect(wire()).toBe('01001100');
  });

  it('fails the build when the wire is not as declared afterwards', async () => {
    await expect(afterPack(context(async () => undefined))).rejects.toThrow(
      /Electron fuses were not set[\s\S]*RunAsNode must be off but is on/,
    );
  });
});
