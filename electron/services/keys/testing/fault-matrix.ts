import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../../shared/domain/dct-layout';
import type { VirtualParticleDevice } from '../../../lab/device/virtual-particle-device';
import type { FaultSpec } from '../../../lab/faults/fault-plan';
import { derPrefix } from '../der';
import { bytesEqual } from '../key-formats';
import type { RepairOptions } from '../key-service';
import { settled, startLabRig, type LabRig } from './lab-rig';

/**
 * Fault matrix (shared by the two *.faults-*.lab.test.ts files so both kinds run in parallel):
 * a disconnect, a stall or a DFU error status at every single transfer of a repair (photon-seed: a new key is
 * generated, so every step runs). Afterwards, after plugging back in and resuming, the device must be
 * online, its original key slots in a backup, the key it holds on disk, and the rest of its DCT intact.
 */
const AUTO: RepairOptions = { serverKey: { kind: 'auto' }, preferBackupKey: true };
const SCENARIO = 'photon-seed';
const slots = KEY_SLOTS.tcp;
let rig: LabRig;
let caseNo = 0;

async function attachFresh(): Promise<VirtualParticleDevice> {
  caseNo += 1;
  const device = await rig.lab.attach(SCENARIO, { timing: 'fast', deviceId: `fa017000${caseNo.toString(16).padStart(16, '0')}` });
  return settled(device);
}

function repair(deviceId: string) {
  return rig.operations.run('repair-keys', deviceId, (ctx) => rig.keys.repair(deviceId, AUTO, ctx));
}

async function online(device: VirtualParticleDevice, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms && !device.cloudOnline; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return device.cloudOnline;
}

/** Transfers a clean repair takes, counted by the device itself. */
async function transfersOfCleanRepair(): Promise<number> {
  const device = await attachFresh();
  const start = device.faults.transferCount;
  await repair(device.deviceId);
  const count = device.faults.transferCount - start;
  await rig.lab.detach(device.deviceId);
  return count;
}

async function runCase(fault: FaultSpec): Promise<void> {
  const device = await attachFresh();
  const original = device.dctBytes().slice();
  // The user plugs the cable straight back in whenever it was pulled.
  const replug = setInterval(() => {
    if (device.mode === 'off') void device.plug();
  }, 5);
  device.faults.add(fault);
  const first = await repair(device.deviceId).catch((error: unknown) => error);
  if (process.env.FAULT_DEBUG) console.log(JSON.stringify(first instanceof Error ? { error: first.message } : first), device.mode, device.faults.fired);
  expect(device.faults.fired.length, 'the fault fired').toBe(1);
  // The user plugs the cable back in (if it was pulled) and presses repair again: it resumes.
  for (let attempt = 0; attempt < 3 && !(await online(device, 300)); attempt++) {
    await repair(device.deviceId).catch(() => undefined);
  }
  clearInterval(replug);
  const label = `${fault.kind} at transfer ${'at' in fault ? fault.at : '?'} (first run: ${first instanceof Error ? first.message : 'completed'})`;
  expect(device.cloudOnline, label).toBe(true);
  expect((await rig.keys.pending()).filter((p) => p.deviceId === device.deviceId), label).toEqual([]);

  const dct = device.dctBytes();
  // The original key slots are in a backup.
  const backups = await rig.backups.list(device.deviceId);
  const originalKey = original.subarray(slots.privateKey.offset, slots.privateKey.offset + slots.privateKey.length);
  const saved = await Promise.all(backups.map((b) => rig.backups.read(b.backupId, 'tcp-private-key.bin')));
  expect(saved.some((slot) => bytesEqual(slot, originalKey)), label).toBe(true);
  // The key the device holds is on disk.
  const keyDir = join(rig.dataDir, 'keys', device.deviceId);
  const files = (await readdir(keyDir)).filter((n) => n.endsWith('.der'));
  const onDevice = derPrefix(dct.subarray(slots.privateKey.offset, slots.privateKey.offset + slots.privateKey.length))!;
  const onDisk = await Promise.all(files.map((f) => readFile(join(keyDir, f))));
  expect(onDisk.some((data) => bytesEqual(new Uint8Array(data), onDevice)), label).toBe(true);
  // Nothing else in the DCT changed (the public key field is the firmware's own copy of the key).
  const untouched = (from: number, to: number): boolean => bytesEqual(dct.subarray(from, to), original.subarray(from, to));
  expect(untouched(0, slots.privateKey.offset), label).toBe(true);
  expect(untouched(slots.privateKey.offset + slots.privateKey.length, slots.publicKey.offset), label).toBe(true);
  expect(untouched(slots.publicKey.offset + slots.publicKey.length, original.length), label).toBe(true);
  await rig.lab.detach(device.deviceId);
}

/** Registers the matrix for one fault kind: a case per transfer of a clean repair. */
export function faultMatrix(kind: 'disconnect' | 'dfu-status' | 'stall'): void {
  describe(`fault matrix: ${kind} at every transfer of a key repair`, () => {
    let total = 0;
    beforeAll(async () => {
      rig = await startLabRig({ seed: 7, keyTiming: { probeMs: 40, pollMs: 10, verifyMs: 2_000, reappearMs: 1_000, enterDfuMs: 1_000 } });
      total = await transfersOfCleanRepair();
    });
    afterAll(async () => {
      await rig.close();
    });

    // Three kinds (three files, run in parallel) × every transfer: well over 100 cases in all.
    it('a repair has enough transfers for at least 34 cases of this kind', () => {
      expect(total).toBeGreaterThanOrEqual(34);
    });

    it(`${kind} at each transfer: the device works after resuming, nothing lost`, { timeout: 120_000 }, async () => {
      for (let at = 1; at <= total; at++) {
        await runCase(kind === 'dfu-status' ? { kind, at, status: 'errWRITE' } : { kind, at });
      }
    });
  });
}
