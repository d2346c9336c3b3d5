import { describe, expect, it } from 'vitest';
import { contract } from '.';
import { base64DecodedBytes, base64Length, FIRMWARE_FILE_MAX_BYTES, FIRMWARE_SET_MAX_BYTES, FirmwareFileSchema } from './firmware';

/** Base64 text for `bytes` bytes without building the bytes (only the length matters to the limit). */
function base64Of(bytes: number): string {
  const padding = (3 - (bytes % 3)) % 3;
  return 'A'.repeat(base64Length(bytes) - padding) + '='.repeat(padding);
}

const DEVICE = '0123456789abcdef01234567';

describe('firmware size limits at the contract', () => {
  it('base64 length arithmetic matches Buffer', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000, 4097]) {
      const text = Buffer.alloc(n, 0x5a).toString('base64');
      expect(base64Length(n)).toBe(text.length);
      expect(base64DecodedBytes(text)).toBe(n);
      expect(base64Of(n)).toHaveLength(text.length);
      expect(Buffer.from(base64Of(n), 'base64')).toHaveLength(n);
    }
  });

  it('takes a file of exactly the limit and refuses one byte more, saying why', () => {
    expect(FirmwareFileSchema.safeParse({ fileName: 'tinker.bin', dataBase64: base64Of(FIRMWARE_FILE_MAX_BYTES) }).success).toBe(true);
    const big = FirmwareFileSchema.safeParse({ fileName: 'movie.mp4', dataBase64: base64Of(FIRMWARE_FILE_MAX_BYTES + 1) });
    expect(big.success).toBe(false);
    expect(big.error?.issues[0].message).toMatch(/larger than 8 MB.*Particle firmware/);
  });

  it('refuses a 40 MB pick on every method that carries firmware', () => {
    const file = { fileName: 'huge.zip', dataBase64: base64Of(40 * 1024 * 1024) };
    const inputs = {
      'firmware.inspect': { files: [file] },
      'firmware.plan': { deviceId: DEVICE, files: [file] },
      'firmware.flash': { deviceId: DEVICE, files: [file] },
      'rescue.start': { deviceId: DEVICE, steps: ['reflash-os'], firmware: { os: [file] } },
    } as const;
    for (const [method, input] of Object.entries(inputs)) {
      const parsed = contract.methods[method as keyof typeof inputs].input.safeParse(input);
      expect([method, parsed.success]).toEqual([method, false]);
    }
  });

  it('refuses a set of files larger than the set limit together, though each file is allowed', () => {
    const files = [0, 1, 2].map((i) => ({ fileName: `part${i}.bin`, dataBase64: base64Of(FIRMWARE_FILE_MAX_BYTES) }));
    expect(3 * FIRMWARE_FILE_MAX_BYTES).toBeGreaterThan(FIRMWARE_SET_MAX_BYTES);
    const parsed = contract.methods['firmware.inspect'].input.safeParse({ files });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toMatch(/larger than 16 MB together/);
    expect(contract.methods['firmware.inspect'].input.safeParse({ files: files.slice(0, 2) }).success).toBe(true);
    const rescue = (os: typeof files, user: typeof files) => contract.methods['rescue.start'].input.safeParse({ deviceId: DEVICE, steps: ['reflash-os'], firmware: { os, user } });
    expect(rescue(files, []).success).toBe(false);
    expect(rescue(files.slice(0, 2), files.slice(0, 2)).success).toBe(true);
  });

  it('still needs at least one file and at most 16', () => {
    expect(contract.methods['firmware.inspect'].input.safeParse({ files: [] }).success).toBe(false);
    const many = Array.from({ length: 17 }, (_, i) => ({ fileName: `f${i}.bin`, dataBase64: 'AAAA' }));
    expect(contract.methods['firmware.inspect'].input.safeParse({ files: many }).success).toBe(false);
    expect(contract.methods['firmware.inspect'].input.safeParse({ files: many.slice(0, 16) }).success).toBe(true);
  });
});
