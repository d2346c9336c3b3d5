import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { crc32 } from './crc32';
import { parseModule } from './module-parser';
import { fixturesDir, photonSystemPart1, photonUserPart, reseal, testModule } from './testing/test-modules';

const require = createRequire(import.meta.url);

function refused(fn: () => unknown): RescueError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RescueError);
    return error as RescueError;
  }
  throw new Error('expected a RescueError');
}

describe('parseModule on built modules', () => {
  it('reads a Gen 2 system part with its prefix after the vector table', () => {
    const m = parseModule('sp1.bin', photonSystemPart1(2302));
    expect(m.prefixOffset).toBe(0x184);
    expect(m.info).toMatchObject({
      function: 'systemPart', index: 1, platformId: 6, version: 2302, startAddress: 0x08020000, endAddress: 0x08020000 + 0x2000 - 4,
      size: 0x2000, crcOk: true, sha256Ok: true, productId: 0xffff, productVersion: 0xffff,
      dependencies: [{ function: 'systemPart', index: 2, version: 207 }],
    });
  });

  it('reads user parts, Gen 3 system parts (0x200) and P2 bootloaders (0x20)', () => {
    expect(parseModule('u.bin', photonUserPart()).info).toMatchObject({ function: 'userPart', startAddress: 0x080a0000, crcOk: true, sha256Ok: true });
    const gen3 = parseModule('g3.bin', testModule({ platformId: 13, function: 'systemPart', index: 1, startAddress: 0x30000, prefixOffset: 0x200 }));
    expect(gen3).toMatchObject({ prefixOffset: 0x200, info: { platformId: 13, startAddress: 0x30000 } });
    const p2 = parseModule('p2b.bin', testModule({ platformId: 32, function: 'bootloader', startAddress: 0x08004000, prefixOffset: 0x20 }));
    expect(p2).toMatchObject({ prefixOffset: 0x20, info: { function: 'bootloader', platformId: 32 } });
  });

  it('reports the SHA-256 the module should carry and checks it separately from the CRC', () => {
    const image = photonUserPart();
    const m = parseModule('u.bin', image);
    expect(Buffer.from(image.subarray(image.length - 38, image.length - 6)).toString('hex')).toBe(m.info.sha256);
    const badSha = new Uint8Array(image);
    badSha[badSha.length - 20] ^= 0xff;
    const view = new DataView(badSha.buffer);
    view.setUint32(badSha.length - 4, crc32(badSha.subarray(0, badSha.length - 4)), false);
    expect(parseModule('u.bin', badSha).info).toMatchObject({ crcOk: true, sha256Ok: false });
  });

  it('flags a flipped body bit as a CRC failure', () => {
    const image = new Uint8Array(photonUserPart());
    image[0x200] ^= 0x10;
    expect(parseModule('u.bin', image).info.crcOk).toBe(false);
  });

  it('checks a padded image over start..end and writes only the module', () => {
    const module = testModule({ function: 'bootloader', startAddress: 0x08000000, size: 0x1000 });
    const padded = new Uint8Array(0x4000).fill(0xff);
    padded.set(module);
    const m = parseModule('bootloader-padded.bin', padded);
    expect(m).toMatchObject({ crcCoverage: 'module', info: { crcOk: true, size: 0x1000 } });
    expect(m.image).toEqual(module);
  });

  it('falls back to a whole-file CRC for old images whose end address stops short of the file', () => {
    const module = testModule({ function: 'bootloader', startAddress: 0x08000000, size: 0x1000 });
    const file = new Uint8Array(0x1200);
    file.set(module.subarray(0, 0x1000 - 4));
    file.fill(0x55, 0x1000 - 4, 0x1200 - 4);
    new DataView(file.buffer).setUint32(0x1200 - 4, crc32(file.subarray(0, 0x1200 - 4)), false);
    const m = parseModule('old.bin', file);
    expect(m.crcCoverage).toBe('whole-file');
    expect(m.info.crcOk).toBe(true);
    expect(m.image.length).toBe(0x1200);
  });

  it('reads the oldest suffix layout (36 bytes, no product fields)', () => {
    const image = new Uint8Array(photonUserPart());
    new DataView(image.buffer).setUint16(image.length - 6, 36, true);
    const m = parseModule('old-user.bin', reseal(image));
    expect(m.info).toMatchObject({ productId: null, productVersion: null, sha256Ok: true, crcOk: true });
  });

  it('refuses truncated files, with how long they should be', () => {
    const image = photonUserPart();
    const e = refused(() => parseModule('u.bin', image.subarray(0, image.length - 100)));
    expect(e.code).toBe('FIRMWARE_INVALID');
    expect(e.message).toMatch(/truncated/);
    expect(refused(() => parseModule('tiny.bin', image.subarray(0, 40))).code).toBe('FIRMWARE_INVALID');
  });

  it('refuses absurd headers', () => {
    const absurd = (edit: (v: DataView) => void) => {
      const image = new Uint8Array(photonUserPart());
      edit(new DataView(image.buffer));
      return refused(() => parseModule('x.bin', reseal(image)));
    };
    expect(absurd((v) => v.setUint32(4, 0x08000000, true)).message).toMatch(/not after start/);
    expect(absurd((v) => v.setUint32(4, 0xffffffff, true)).message).toMatch(/larger than any/);
    expect(absurd((v) => v.setUint8(14, 42)).message).toMatch(/unknown module function/);
    expect(absurd((v) => v.setUint16(12, 0xbeef, true)).message).toMatch(/unknown platform/);
    expect(absurd((v) => v.setUint8(9, 0x80)).message).toMatch(/unknown flags/);
    expect(absurd((v) => v.setUint8(21, 3)).message).toMatch(/dependency/);
  });
});

describe('what binary-version-reader gets wrong (why our own parser decides)', () => {
  const { HalModuleParser } = require('binary-version-reader') as {
    HalModuleParser: new () => { parseBuffer(o: { fileBuffer: Buffer }): Promise<{ crc: { ok: boolean } }> };
  };

  it('checks the CRC of a padded image over the whole file and so calls a good image bad', async () => {
    const padded = new Uint8Array(0x4000).fill(0xff);
    padded.set(testModule({ function: 'bootloader', startAddress: 0x08000000, size: 0x1000 }));
    expect((await new HalModuleParser().parseBuffer({ fileBuffer: Buffer.from(padded) })).crc.ok).toBe(false);
    expect(parseModule('padded.bin', padded).info.crcOk).toBe(true);
  });

  it('does not check the SHA-256 at all', async () => {
    const image = new Uint8Array(photonUserPart());
    image[image.length - 20] ^= 0xff;
    new DataView(image.buffer).setUint32(image.length - 4, crc32(image.subarray(0, image.length - 4)), false);
    const theirs = await new HalModuleParser().parseBuffer({ fileBuffer: Buffer.from(image) });
    expect(theirs.crc.ok).toBe(true);
    expect(parseModule('u.bin', image).info.sha256Ok).toBe(false);
  });
});

const fixtures = fixturesDir();
describe('parseModule on the real binaries in ../shared/fixtures/binaries', () => {
  beforeEach((ctx) => ctx.skip(!fixtures, 'needs ../shared/fixtures beside the checkout (reference material, not in the repository)'));
  const dir = fixtures ?? '';
  const files = fixtures ? readdirSync(dir).filter((f) => f.endsWith('.bin')) : [];
  const { HalModuleParser } = require('binary-version-reader') as {
    HalModuleParser: new () => { parseBuffer(o: { fileBuffer: Buffer }): Promise<Record<string, Record<string, unknown>>> };
  };

  it.each(files.length ? files : ['(no fixture binaries)'])('%s passes CRC (and SHA when it has one) and agrees with binary-version-reader', async (file) => {
    const data = readFileSync(join(dir, file));
    const ours = parseModule(file, data);
    expect(ours.info.crcOk).toBe(true);
    expect(ours.info.sha256Ok).not.toBe(false);
    const theirs = await new HalModuleParser().parseBuffer({ fileBuffer: data }).catch((e: Error) => ({ error: e.message }) as never);
    if ('error' in theirs) {
      // binary-version-reader gives up on the RC2 bootloader (unpopulated suffix); we read it via its whole-file CRC.
      expect(file).toBe('RC2_bootloader.bin');
      expect(ours).toMatchObject({ crcCoverage: 'whole-file', info: { function: 'bootloader', platformId: 6, sha256Ok: null } });
      return;
    }
    const p = theirs.prefixInfo;
    expect(ours.info).toMatchObject({
      startAddress: parseInt(p.moduleStartAddy as string, 16),
      endAddress: parseInt(p.moduleEndAddy as string, 16),
      version: p.moduleVersion,
      platformId: p.platformID,
      index: p.moduleIndex,
    });
    expect(ours.prefixOffset).toBe(p.prefixOffset);
    expect(ours.info.sha256).toBe(theirs.suffixInfo.fwUniqueId);
    expect(theirs.crc.ok).toBe(true);
  });
});
