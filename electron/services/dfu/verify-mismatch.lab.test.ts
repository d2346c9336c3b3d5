import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildModuleImage } from '../../lab/firmware-images';
import { BackupStore } from '../backups/backup-store';
import { FirmwareService } from '../firmware/firmware-service';
import { labHarness, type LabHarness } from '../usb/testing/lab-harness';

/**
 * The lab's wrong-bytes fault: the flash stores other bytes than the host sent while every GETSTATUS
 * says OK. Only the read-back can see it, so each write path must end in VERIFY_MISMATCH.
 */
let h: LabHarness | null = null;
let dir: string | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 24) | 0x01;
  }
  return out;
}

describe('wrong bytes reported as success', () => {
  it('DfuSession.write succeeds (the device says OK) but DfuSession.verify reports VERIFY_MISMATCH', async () => {
    h = labHarness();
    const harness = h;
    const device = await harness.lab.attach('photon-healthy');
    const image = pattern(12 * 1024, 3);
    await harness.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await harness.dfu.openSession(device.deviceId, ctx);
      // Without the fault the same write verifies.
      await session.write(0, 0x080a0000, image, { erase: true });
      await session.verify(0, 0x080a0000, image);
      device.faults.add({ kind: 'wrong-bytes', alt: 0, writes: 1 });
      await session.write(0, 0x080a0000, image, { erase: true });
      // The lab really stored something else: one bit cleared in one byte.
      const stored = device.readFlash(0x080a0000, image.length);
      const differing = [...stored].map((b, i) => (b !== image[i] ? i : -1)).filter((i) => i >= 0);
      expect(differing).toHaveLength(1);
      await expect(session.verify(0, 0x080a0000, image)).rejects.toMatchObject({ code: 'VERIFY_MISMATCH', details: { offset: differing[0] } });
      await harness.dfu.leave(device.deviceId, ctx);
    });
    expect(device.faults.fired.map((f) => f.kind)).toContain('wrong-bytes');
  });

  it('a firmware flash whose flash lies ends in VERIFY_MISMATCH and reports no success', async () => {
    h = labHarness();
    dir = mkdtempSync(join(tmpdir(), 'verify-mismatch-'));
    const harness = h;
    const backups = new BackupStore(dir);
    const firmware = new FirmwareService({ dfu: harness.dfu, devices: harness.devices, backups, opLog: harness.opLog, reenumerateTimeoutMs: 2_000 });
    const device = await harness.lab.attach('photon-healthy');
    const newUser = buildModuleImage({
      platformId: 6, function: 'userPart', index: 1, version: 7, startAddress: 0x080a0000, size: 0x5000, prefixOffset: 0,
      dependency: { function: 'systemPart', index: 2, version: 2302 }, seed: 99,
    });
    device.faults.add({ kind: 'wrong-bytes', alt: 0 });
    const progress: string[] = [];
    const run = harness.operations.run('flash', device.deviceId, (ctx) =>
      firmware.flash(device.deviceId, [{ fileName: 'app.bin', data: newUser }], { ...ctx, progress: (u) => { progress.push(u.phase); ctx.progress(u); } }),
    );
    await expect(run).rejects.toMatchObject({ code: 'VERIFY_MISMATCH' });
    expect(progress).not.toContain('done');
    expect(device.readFlash(0x080a0000, newUser.length)).not.toEqual(newUser);
  });
});
