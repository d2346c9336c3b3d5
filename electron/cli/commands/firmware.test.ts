import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RELEASES } from '../../lab/scenarios/firmware-sets';
import type { Services } from '../../services/container';
import { photonRelease, startRig, type Rig } from '../../services/firmware/testing/lab-rig';
import { crc32 } from '../../services/firmware/crc32';
import { photonSystemPart1, photonUserPart, testZip } from '../../services/firmware/testing/test-modules';
import type { CliEnv, ParsedArgs } from '../types';
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
    expect(e.out.join('\n')).toMatch(/user firmware v6, Photon \(platform 6\)[\s\S]*0x080a0000.*CRC ok, SHA-256 ok/);
  });

  it('inspect --json prints one document and exits 1 on problems', async () => {
    const e = env(true);
    expect(await inspect.run({ positionals: [good, bad], flags: { json: true } }, e)).toBe(1);
    const doc = JSON.parse(e.out.join('')) as { files: { problems: { code: string }[] }[] };
    expect(doc.files[1].problems.map((p) => p.code)).toEqual(['BAD_CRC', 'BAD_SHA']);
  });

  it('a missing file is reported with FILE_ERROR next to the other files’ results', async () => {
    const e = env(false);
    expect(await inspect.run({ positionals: [join(dir, 'nope.bin'), good], flags: {} }, e)).toBe(1);
    const text = e.out.join('\n');
    expect(text).toMatch(/user firmware v6, Photon \(platform 6\)/);
    expect(text).toMatch(/nope\.bin\n {2}problem \(FILE_ERROR\): Could not read/);
  });

  it('tells the truth: padded-file CRC is a warning, zip member names are sanitised, a non-zip .zip is called that', async () => {
    const user = photonUserPart();
    user.fill(0, user.length - 4);
    const padded = new Uint8Array(user.length + 0x400).fill(0xff);
    padded.set(user);
    new DataView(padded.buffer).setUint32(padded.length - 4, crc32(padded.subarray(0, padded.length - 4)), false);
    const paddedPath = join(dir, 'padded.bin');
    writeFileSync(paddedPath, padded);
    const zipPath = join(dir, 'evil.zip');
    writeFileSync(zipPath, testZip([{ name: 'app\u001b[31m\n.bin', data: photonUserPart() }]));
    const fakeZip = join(dir, 'release.zip');
    writeFileSync(fakeZip, photonUserPart());
    const e = env(false);
    expect(await inspect.run({ positionals: [paddedPath, zipPath, fakeZip], flags: {} }, e)).toBe(1);
    expect(await inspect.run({ positionals: [paddedPath], flags: {} }, env(false))).toBe(0);
    const text = e.out.join('\n');
    expect(text).toMatch(/padded\.bin: user firmware .*\n.*CRC matches only over the padded file \(warning/);
    expect(text).not.toMatch(/padded\.bin: user firmware[^\n]*\n[^\n]*CRC ok/);
    expect(text).toMatch(/evil\.zip\/app\?\[31m\?\.bin: user firmware/);
    expect(text.includes(String.fromCharCode(27))).toBe(false);
    expect(text).toMatch(/release\.zip is named \.zip but is not a zip archive/);
  });
});

describe('flash on the lab', () => {
  let rig: Rig | null = null;
  afterEach(async () => {
    await rig?.close();
    rig = null;
  });
  const flashCmd = commands.find((c) => c.name === 'flash')!;

  function labEnv(r: Rig, deviceId: string): CliEnv & { out: string[] } {
    const out: string[] = [];
    const services = { firmware: r.firmware, operations: r.operations, bus: { subscribe: () => () => undefined } } as unknown as Services;
    return { out, json: false, print: (t) => out.push(t), printJson: (v) => out.push(JSON.stringify(v)), services: async () => services, deviceId: async (g) => g ?? deviceId };
  }

  it('prints the plan first; a downgrade needs --allow-downgrade (exit 1, nothing written), then flashes', async () => {
    rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    const { systemParts, user } = photonRelease(4, RELEASES['0.6.4']);
    const paths = [...systemParts, user].map((f) => {
      const path = join(dir, `064-${f.fileName}`);
      writeFileSync(path, f.data);
      return path;
    });
    const before = device.readFlash(0x08060000, 0x8000);
    const args = (flags: ParsedArgs['flags']): ParsedArgs => ({ positionals: [device.deviceId, ...paths], flags });

    const refused = labEnv(rig, device.deviceId);
    expect(await flashCmd.run(args({}), refused)).toBe(1);
    const text = refused.out.join('\n');
    expect(text).toMatch(/^Plan for /);
    expect(text).toMatch(/needs your consent \(CONSENT_REQUIRED\): .*system part 2 v2302 with the older v110/);
    expect(text).toMatch(/--allow-downgrade/);
    expect(device.readFlash(0x08060000, 0x8000)).toEqual(before);

    const accepted = labEnv(rig, device.deviceId);
    expect(await flashCmd.run(args({ 'allow-downgrade': true }), accepted)).toBe(0);
    const lines = accepted.out;
    expect(lines.findIndex((l) => l.startsWith('Plan for '))).toBeLessThan(lines.findIndex((l) => /backed up as/.test(l)));
    expect(lines.at(-1)).toMatch(/reports every module valid/);
  });
});
