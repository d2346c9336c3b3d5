import { describe, expect, it } from 'vitest';
import { InspectResultSchema } from '../../../shared/contract/firmware';
import { RescueError } from '../../../shared/errors';
import { inspectFiles, toInspectResult } from './inspect';
import { readZip } from './zip-reader';
import { photonSystemPart1, photonSystemPart2, photonUserPart, testZip } from './testing/test-modules';

function refusal(fn: () => unknown): RescueError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RescueError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readZip', () => {
  it('reads stored and deflated members byte-exactly, skipping folders', () => {
    const a = photonSystemPart1();
    const b = photonSystemPart2();
    const zip = testZip([{ name: 'release/', data: new Uint8Array(0), method: 0 }, { name: 'release/system-part1.bin', data: a, method: 0 }, { name: 'release/system-part2.bin', data: b }]);
    const entries = readZip('r.zip', zip);
    expect(entries.map((e) => e.name)).toEqual(['release/system-part1.bin', 'release/system-part2.bin']);
    expect(entries[0].data).toEqual(a);
    expect(entries[1].data).toEqual(b);
  });

  it('refuses other compression methods, encryption, damage and truncation with FIRMWARE_INVALID', () => {
    const data = photonUserPart();
    expect(refusal(() => readZip('z.zip', testZip([{ name: 'a.bin', data, method: 12 }]))).message).toMatch(/compression method 12/);
    expect(refusal(() => readZip('z.zip', testZip([{ name: 'a.bin', data, flags: 1 }]))).message).toMatch(/encrypted/);
    const zip = testZip([{ name: 'a.bin', data, method: 0 }]);
    const corrupt = new Uint8Array(zip);
    corrupt[100] ^= 1;
    expect(refusal(() => readZip('z.zip', corrupt)).message).toMatch(/CRC/);
    expect(refusal(() => readZip('z.zip', zip.subarray(0, zip.length - 30))).code).toBe('FIRMWARE_INVALID');
    expect(refusal(() => readZip('z.zip', zip.subarray(0, 10))).code).toBe('FIRMWARE_INVALID');
  });
});

describe('inspectFiles', () => {
  it('expands a Device OS release zip into its modules and ignores non-.bin members', () => {
    const zip = testZip([
      { name: 'system-part1.bin', data: photonSystemPart1() },
      { name: 'system-part2.bin', data: photonSystemPart2() },
      { name: 'README.txt', data: new TextEncoder().encode('notes') },
    ]);
    const result = toInspectResult(inspectFiles([{ fileName: 'photon-2.3.1.zip', data: zip }]));
    expect(InspectResultSchema.safeParse(result).success).toBe(true);
    expect(result.files).toHaveLength(1);
    expect(result.files[0].problems).toEqual([]);
    expect(result.files[0].modules.map((m) => [m.fileName, m.function, m.index])).toEqual([
      ['photon-2.3.1.zip/system-part1.bin', 'systemPart', 1],
      ['photon-2.3.1.zip/system-part2.bin', 'systemPart', 2],
    ]);
  });

  it('reports problems per file instead of throwing', () => {
    const bad = new Uint8Array(photonUserPart());
    bad[300] ^= 1;
    const result = inspectFiles([
      { fileName: 'bad.bin', data: bad },
      { fileName: 'junk.bin', data: new Uint8Array(500) },
      { fileName: 'empty.zip', data: testZip([{ name: 'notes.txt', data: new Uint8Array(3) }]) },
    ]);
    expect(result.map((f) => f.problems.map((p) => p.code))).toEqual([['BAD_CRC', 'BAD_SHA'], ['FIRMWARE_INVALID'], ['FIRMWARE_INVALID']]);
  });

  it('checks size against the platform slot', () => {
    const big = photonUserPart(1, { size: 0x21000 });
    const [file] = inspectFiles([{ fileName: 'big.bin', data: big }]);
    expect(file.problems.map((p) => p.code)).toEqual(['FIRMWARE_TOO_LARGE']);
    const moved = photonUserPart(1, { startAddress: 0x080b0000 });
    expect(inspectFiles([{ fileName: 'moved.bin', data: moved }])[0].problems.map((p) => p.code)).toEqual(['FIRMWARE_INVALID']);
  });
});
