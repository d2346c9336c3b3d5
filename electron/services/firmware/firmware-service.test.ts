import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { BackupStore } from '../backups/backup-store';
import { OperationLog } from '../operations/operation-log';
import type { OperationContext, ProgressUpdate } from '../operations/operation-runner';
import { FakePhoton, type FakeOp } from './testing/fake-flash-device';
import { FirmwareService } from './firmware-service';
import { needsSystemReflash } from './system-health';
import { photonSystemPart1, photonSystemPart2, photonUserPart, testModule } from './testing/test-modules';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fw-service-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function context(progress: ProgressUpdate[] = []): OperationContext {
  const controller = new AbortController();
  return {
    operationId: 'op-test-1',
    deviceId: null,
    signal: controller.signal,
    progress: (u) => progress.push(u),
    log: () => undefined,
    throwIfCancelled: () => undefined,
  };
}

function setup(device: FakePhoton) {
  const backups = new BackupStore(dir);
  const ports = device.ports();
  const service = new FirmwareService({ ...ports, backups, opLog: new OperationLog(null), reenumerateTimeoutMs: 100 });
  return { service, backups };
}

const SP1 = photonSystemPart1(2302);
const SP2 = photonSystemPart2(2302);
const USER_A = photonUserPart(11);
const USER_B = photonUserPart(22, { size: 0x1800 });
const OS_SET = [{ fileName: 'system-part1.bin', data: SP1 }, { fileName: 'system-part2.bin', data: SP2 }];

const BOOTLOADER = testModule({ function: 'bootloader', version: 1100, startAddress: 0x08000000 });

function healthy(): FakePhoton {
  const d = new FakePhoton();
  d.put(0x08000000, BOOTLOADER);
  d.put(0x08020000, SP1);
  d.put(0x08060000, SP2);
  d.put(0x080a0000, USER_A);
  return d;
}

describe('FirmwareService.flash', () => {
  it('replaces the user part after backing up the old one, and restores it byte-exactly', async () => {
    const device = healthy();
    const { service, backups } = setup(device);
    const progress: ProgressUpdate[] = [];
    const result = await service.flash(device.deviceId, [{ fileName: 'app-b.bin', data: USER_B }], context(progress));
    expect(result.confirmation).toBe('confirmed');
    expect(device.get(0x080a0000, USER_B.length)).toEqual(USER_B);
    expect(await backups.read(result.backupId!, 'user-firmware-on-the-device-80a0000.bin')).toEqual(USER_A);
    expect(progress.some((p) => p.phase === 'download' && p.message.includes('(1/1)'))).toBe(true);
    expect(progress.filter((p) => p.bytesTotal === 2 * USER_B.length).at(-1)?.bytesDone).toBe(2 * USER_B.length);

    const restored = await service.restoreFirmware(result.backupId!, context());
    expect(restored.restored).toEqual([{ name: 'user-firmware-on-the-device-80a0000.bin', address: 0x080a0000, length: USER_A.length }]);
    expect(device.get(0x080a0000, USER_A.length)).toEqual(USER_A);
    expect(device.modules().find((m) => m.function === 'userPart')?.valid).toBe(true);
  });

  it('refuses to restore a tampered backup and leaves the device alone', async () => {
    const device = healthy();
    const { service, backups } = setup(device);
    const result = await service.flash(device.deviceId, [{ fileName: 'app-b.bin', data: USER_B }], context());
    const file = join(dir, device.deviceId, result.backupId!, 'user-firmware-on-the-device-80a0000.bin');
    const tampered = new Uint8Array(readFileSync(file));
    tampered[10] ^= 1;
    writeFileSync(file, tampered);
    device.calls.length = 0;
    await expect(service.restoreFirmware(result.backupId!, context())).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
    expect(device.calls).toEqual([]);
    expect(device.get(0x080a0000, USER_B.length)).toEqual(USER_B);
    expect((await backups.verify(result.backupId!)).ok).toBe(false);
  });

  it('repairs damaged system firmware with a valid system part set, in dependency order', async () => {
    const device = healthy();
    const broken = new Uint8Array(SP2);
    broken[0x800] ^= 0xff;
    device.put(0x08060000, broken);
    device.usbMode = 'dfu';
    const { service, backups } = setup(device);
    const result = await service.flash(device.deviceId, OS_SET, context());
    expect(result.plan.steps.map((s) => s.address)).toEqual([0x08020000, 0x08060000]);
    expect(result.confirmation).toBe('confirmed');
    expect(device.modules().every((m) => m.valid)).toBe(true);
    const summary = await backups.get(result.backupId!);
    expect(summary.files.map((f) => f.name).sort()).toEqual([
      'layout.json', 'system-part-1-on-the-device-8020000.bin', 'system-part-2-on-the-device-8060000-raw.bin', 'user-firmware-on-the-device-80a0000.bin',
    ]);
  });

  it('refuses bad input before any request reaches the device', async () => {
    const device = healthy();
    const { service } = setup(device);
    const corrupt = new Uint8Array(USER_B);
    corrupt[100] ^= 1;
    const other = photonUserPart(3, { platformId: 13, startAddress: 0xd4000 });
    for (const data of [corrupt, other, USER_B.subarray(0, 1000), new Uint8Array(64)]) {
      const error = await service.flash(device.deviceId, [{ fileName: 'x.bin', data }], context()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RescueError);
    }
    expect(device.calls).toEqual([]);
  });

  it('refuses a user part whose system dependency the device does not meet', async () => {
    const device = new FakePhoton();
    device.put(0x08000000, BOOTLOADER);
    device.put(0x08020000, photonSystemPart1(1213));
    device.put(0x08060000, photonSystemPart2(1213));
    const { service } = setup(device);
    const error = await service.flash(device.deviceId, [{ fileName: 'app.bin', data: USER_B }], context()).catch((e: unknown) => e);
    expect(RescueError.is(error, 'DEPENDENCY_UNMET')).toBe(true);
    expect(device.calls).toEqual(['modules']);
  });

  const phases: [FakeOp, number][] = [['open', 1], ['read', 1], ['read', 3], ['write', 1], ['verify', 1], ['write', 2], ['write', 3], ['verify', 3], ['leave', 1], ['modules', 2]];
  it.each(phases)('a disconnect at %s #%i leaves a detectable state and a re-run completes', async (op, nth) => {
    const device = healthy();
    const { service } = setup(device);
    const files = [...OS_SET, { fileName: 'app-b.bin', data: USER_B }];
    device.disconnect = { op, nth };
    const first = await service.flash(device.deviceId, files, context()).catch((e: unknown) => e);
    if (op === 'modules') {
      expect(first).toMatchObject({ confirmation: 'unconfirmed' });
    } else {
      expect(RescueError.is(first, 'DEVICE_GONE')).toBe(true);
      expect((first as RescueError).fix).toMatch(/run the same flash again/);
      expect((first as RescueError).details?.phase).toBeTruthy();
    }
    // What the app sees afterwards: a half-written system part shows up as damaged Device OS.
    if (op === 'write') expect(needsSystemReflash(device.modules(), true, 6)).toBe(nth <= 2);
    const second = await service.flash(device.deviceId, files, context());
    expect(second.confirmation).toBe('confirmed');
    expect(device.get(0x080a0000, USER_B.length)).toEqual(USER_B);
  });
});
