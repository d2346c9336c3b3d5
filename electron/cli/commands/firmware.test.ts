import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { photonSystemPart1, photonUserPart } from '../../services/firmware/testing/test-modules';
import type { CliEnv } from '../types';
import { commands } from './firmware';

const dir = mkdtempSync(join(tmpdir(), 'fw-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function env(json: boolean): CliEnv & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    json,
    print: (t) => out.push(t),
    printJson: (v) => out.push(JSON.stringify(v)),
    services: async () => { throw new Error('inspect must not need services'); },
    deviceId: async () => { throw new Error('unused'); },
  };
}

describe('firmware CLI commands', () => {
  const inspect = commands.find((c) => c.name === 'inspect')!;
  const good = join(dir, 'app.bin');
  const bad = join(dir, 'bad.bin');
  writeFileSync(good, photonUserPart());
  const damaged = photonSystemPart1();
  damaged[50] ^= 1;
  writeFileSync(bad, damaged);

  it('exports inspect and flash', () => {
    expect(commands.map((c) => c.name)).toEqual(['inspect', 'flash']);
  });

  it('inspect prints modules and exits 0 when every file is sound', async () => {
    const e = env(false);
    expect(await inspect.run({ positionals: [good], flags: {} }, e)).toBe(0);
    expect(e.out.join('\n')).toMatch(/user firmware v6, platform 6[\s\S]*0x080a0000.*CRC ok, SHA-256 ok/);
  });

  it('inspect --json prints one document and exits 1 on problems', async () => {
    const e = env(true);
    expect(await inspect.run({ positionals: [good, bad], flags: { json: true } }, e)).toBe(1);
    const doc = JSON.parse(e.out.join('')) as { files: { problems: { code: string }[] }[] };
    expect(doc.files[1].problems.map((p) => p.code)).toEqual(['BAD_CRC', 'BAD_SHA']);
  });

  it('refuses a missing file with FILE_ERROR', async () => {
    await expect(inspect.run({ positionals: [join(dir, 'nope.bin')], flags: {} }, env(false))).rejects.toMatchObject({ code: 'FILE_ERROR' });
  });
});
