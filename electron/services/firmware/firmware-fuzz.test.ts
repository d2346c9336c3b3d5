import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, RescueError } from '../../../shared/errors';
import { BackupStore } from '../backups/backup-store';
import { OperationLog } from '../operations/operation-log';
import type { OperationContext } from '../operations/operation-runner';
import { FakePhoton } from './testing/fake-flash-device';
import { FirmwareService } from './firmware-service';
import { photonSystemPart1, photonSystemPart2, photonUserPart, reseal, testModule, testZip } from './testing/test-modules';

/** FIRMWARE_FUZZ_RUNS=10 multiplies the runs for a longer local hunt; CI uses the default. */
const RUNS = Number(process.env.FIRMWARE_FUZZ_RUNS ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'fw-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const device = new FakePhoton();
device.put(0x08000000, testModule({ function: 'bootloader', version: 1100, startAddress: 0x08000000 }));
device.put(0x08020000, photonSystemPart1());
device.put(0x08060000, photonSystemPart2());
const ports = device.ports();
const service = new FirmwareService({ ...ports, backups: new BackupStore(dir), opLog: new OperationLog(null), reenumerateTimeoutMs: 50 });
const ctx: OperationContext = {
  operationId: 'op-fuzz-1', deviceId: null, signal: new AbortController().signal, progress: () => undefined, log: () => undefined, throwIfCancelled: () => undefined,
};

const BASES = [photonUserPart(5), photonSystemPart1(), photonSystemPart2()];
const base = fc.constantFrom(...BASES);

/** Every input must be refused with a typed RescueError, and no request may reach the device. */
async function refusedOffline(data: Uint8Array, fileName = 'fuzz.bin'): Promise<void> {
  expect(() => service.inspect([{ fileName, data }])).not.toThrow();
  const outcome = await service.flash(device.deviceId, [{ fileName, data }], ctx).then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(RescueError);
  expect(ERROR_CODES).toContain((outcome as RescueError).code);
  expect(device.calls).toEqual([]);
}

/** Header fields set to values no valid module can have; SHA and CRC are recomputed so only the header is wrong. */
const absurdEdit = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).filter((a) => a !== 0x08020000 && a !== 0x08060000 && a !== 0x080a0000).map((a) => (v: DataView, p: number) => v.setUint32(p, a, true)),
  fc.integer({ min: 0, max: 0xffffffff }).map((a) => (v: DataView, p: number) => v.setUint32(p + 4, a, true)),
  fc.integer({ min: 0, max: 0xffff }).filter((id) => id !== 6).map((id) => (v: DataView, p: number) => v.setUint16(p + 12, id, true)),
  fc.integer({ min: 10, max: 255 }).map((fn) => (v: DataView, p: number) => v.setUint8(p + 14, fn)),
  fc.integer({ min: 1, max: 255 }).map((flags) => (v: DataView, p: number) => v.setUint8(p + 9, flags)),
  fc.integer({ min: 1, max: 255 }).map((index) => (v: DataView, p: number) => {
    v.setUint8(p + 20, 0);
    v.setUint8(p + 21, index);
  }),
);

describe('fuzzed firmware input is refused before the device', () => {
  it('truncated files', async () => {
    await fc.assert(fc.asyncProperty(base, fc.nat(), async (image, cut) => refusedOffline(image.subarray(0, cut % image.length))), { numRuns: RUNS * 150 });
  });

  it('single bit flips anywhere in the file', async () => {
    await fc.assert(
      fc.asyncProperty(base, fc.nat(), fc.integer({ min: 0, max: 7 }), async (image, at, bit) => {
        const flipped = new Uint8Array(image);
        flipped[at % flipped.length] ^= 1 << bit;
        await refusedOffline(flipped);
      }),
      { numRuns: RUNS * 200 },
    );
  });

  it('random bytes, bare or inside a zip', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 0x3000 }), fc.boolean(), async (bytes, zipped) =>
        refusedOffline(zipped ? testZip([{ name: 'fuzz.bin', data: bytes }]) : bytes, zipped ? 'fuzz.zip' : 'fuzz.bin'),
      ),
      { numRuns: RUNS * 200 },
    );
  });

  it('absurd header fields with valid checksums', async () => {
    await fc.assert(
      fc.asyncProperty(base, absurdEdit, async (image, edit) => {
        const copy = new Uint8Array(image);
        const prefixAt = copy[0x184 + 14] === 4 ? 0x184 : 0;
        edit(new DataView(copy.buffer), prefixAt);
        await refusedOffline(reseal(copy));
      }),
      { numRuns: RUNS * 300 },
    );
  });
});
