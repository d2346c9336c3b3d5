import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildModuleImage, moduleCrcValid, parseModulePrefix } from './firmware-images';
import { crc32 } from './util/crc32';

// binary-version-reader ships no type declarations; only its parser is used, as an independent check.
const { HalModuleParser } = createRequire(import.meta.url)('binary-version-reader') as {
  HalModuleParser: new () => { parseBuffer(o: { fileBuffer: Buffer }): Promise<{ crc: { ok: boolean }; prefixInfo: Record<string, unknown>; suffixInfo: Record<string, unknown> }> };
};

const photonSystemPart2 = () =>
  buildModuleImage({
    platformId: 6,
    function: 'systemPart',
    index: 2,
    version: 2302,
    startAddress: 0x08060000,
    size: 0x8000,
    prefixOffset: 0x184,
    dependency: { function: 'systemPart', index: 1, version: 2302 },
    dependency2: { function: 'bootloader', index: 0, version: 1003 },
  });

describe('buildModuleImage', () => {
  it('crc32 is the standard IEEE/zlib CRC', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('places the prefix at the platform offset; end = start + length − 4', () => {
    const image = photonSystemPart2();
    const prefix = parseModulePrefix(image, 0x184);
    expect(prefix).toMatchObject({ startAddress: 0x08060000, endAddress: 0x08060000 + 0x8000 - 4, version: 2302, platformId: 6, functionCode: 4, index: 2 });
    expect(prefix.dependency).toEqual({ functionCode: 4, index: 1, version: 2302 });
    expect(prefix.dependency2).toEqual({ functionCode: 2, index: 0, version: 1003 });
  });

  it('stores SHA-256 over [0, len−38) and a big-endian CRC-32 over [0, len−4); suffix size 40', () => {
    const image = photonSystemPart2();
    const len = image.length;
    expect(Buffer.from(image.subarray(len - 38, len - 6))).toEqual(createHash('sha256').update(image.subarray(0, len - 38)).digest());
    expect(image[len - 6] | (image[len - 5] << 8)).toBe(40);
    const stored = new DataView(image.buffer).getUint32(len - 4, false);
    expect(stored).toBe(crc32(image.subarray(0, len - 4)));
    expect(moduleCrcValid((a, n) => image.subarray(a - 0x08060000, a - 0x08060000 + n), 0x08060000, 0x08060000 + len - 4)).toBe(true);
  });

  it('binary-version-reader accepts it as a valid module', async () => {
    const parsed = await new HalModuleParser().parseBuffer({ fileBuffer: Buffer.from(photonSystemPart2()) });
    expect(parsed.crc.ok).toBe(true);
    expect(parsed.prefixInfo).toMatchObject({ moduleVersion: 2302, platformID: 6, moduleFunction: 4, moduleIndex: 2, prefixOffset: 0x184 });
    expect(parsed.suffixInfo.suffixSize).toBe(40);
  });

  it('same spec → same bytes (the seed fixes the body)', () => {
    expect(photonSystemPart2()).toEqual(photonSystemPart2());
  });

  const fixture = join(__dirname, '../../../shared/fixtures/binaries/photon_tinker.bin');
  it('our CRC check agrees with a real Particle binary', (ctx) => {
    ctx.skip(!existsSync(fixture), 'needs ../shared/fixtures beside the checkout (reference material, not in the repository)');
    const real = new Uint8Array(readFileSync(fixture));
    const prefix = parseModulePrefix(real, 0);
    const at = (a: number, n: number) => real.subarray(a - prefix.startAddress, a - prefix.startAddress + n);
    expect(moduleCrcValid(at, prefix.startAddress, prefix.endAddress)).toBe(true);
  });
});
