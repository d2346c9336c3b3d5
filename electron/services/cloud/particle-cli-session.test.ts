import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { particleCliSession } from './particle-cli-session';

function home(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'particle-cli-home-'));
  mkdirSync(join(dir, '.particle'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, '.particle', name), text);
  return dir;
}

describe("the Particle CLI's sign-in", () => {
  it('is read from the active profile, with the cloud it belongs to, and the file is left as it was', async () => {
    const config = JSON.stringify({ username: 'ada@example.com', access_token: 'abc123def456' });
    const dir = home({ 'particle.config.json': config });
    chmodSync(join(dir, '.particle', 'particle.config.json'), 0o400);
    expect(await particleCliSession(dir)).toEqual({
      username: 'ada@example.com',
      token: 'abc123def456',
      apiBaseUrl: 'https://api.particle.io',
      file: join(dir, '.particle', 'particle.config.json'),
    });
    expect(readFileSync(join(dir, '.particle', 'particle.config.json'), 'utf8')).toBe(config);
  });

  it('follows profile.json to another profile and its apiUrl', async () => {
    const dir = home({
      'profile.json': JSON.stringify({ name: 'staging' }),
      'staging.config.json': JSON.stringify({ access_token: 'tok-staging-1', apiUrl: 'https://api.example.test/' }),
    });
    expect(await particleCliSession(dir)).toMatchObject({ token: 'tok-staging-1', apiBaseUrl: 'https://api.example.test', username: null });
  });

  it('is null when the CLI is not signed in, or its files are damaged or hostile', async () => {
    expect(await particleCliSession(home({}))).toBeNull();
    expect(await particleCliSession(home({ 'particle.config.json': '{"username":"x"}' }))).toBeNull();
    expect(await particleCliSession(home({ 'particle.config.json': 'not json' }))).toBeNull();
    expect(await particleCliSession(home({ 'profile.json': '{"name":"../../etc/passwd"}' }))).toBeNull();
  });
});
