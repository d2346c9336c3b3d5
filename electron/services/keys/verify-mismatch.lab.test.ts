import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_KEY_TABLE } from '../../lab/dct/dct-table';
import { bytesEqual } from './key-formats';
import type { RepairOptions } from './key-service';
import { settled, startLabRig, type LabRig } from './testing/lab-rig';

/**
 * The device's DCT stores other bytes than the host sent while the bootloader reports OK (lab fault
 * wrong-bytes on alt 1). writeDctVerified must read back, see it, and the repair must stop with
 * VERIFY_MISMATCH: no "dct-written" step in the journal, no result, the original slots in a backup.
 */
const AUTO: RepairOptions = { serverKey: { kind: 'auto' }, preferBackupKey: true };
let rig: LabRig;
beforeEach(async () => {
  rig = await startLabRig();
});
afterEach(async () => {
  await rig.close();
});

const cases = [
  // Device key unknown to the cloud, server key fine: the only DCT write is the private key.
  { scenario: 'photon-seed', slot: 'privateKey' as const, what: /private key/ },
  // Device key fine, server key of another cloud: the only DCT write is the server key and address.
  { scenario: 'photon-private-cloud', slot: 'serverKey' as const, what: /server key/ },
];

describe('key writes that the device stores wrongly end in VERIFY_MISMATCH', () => {
  for (const { scenario, slot, what } of cases) {
    it(`${scenario}: the ${slot} write is read back, found different, nothing claimed done`, async () => {
      const device = await settled(await rig.lab.attach(scenario, { timing: 'fast' }), 5);
      const table = LAB_KEY_TABLE.tcp[slot];
      const before = device.dctBytes().slice(table.offset, table.offset + table.length);
      device.faults.add({ kind: 'wrong-bytes', alt: 1 });
      const run = rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
      await expect(run).rejects.toMatchObject({ code: 'VERIFY_MISMATCH', message: expect.stringMatching(what) });
      expect(device.faults.fired.some((f) => f.kind === 'wrong-bytes')).toBe(true);
      // The slot on the device was really changed (wrongly): the fault hit the write under test.
      const after = device.dctBytes().slice(table.offset, table.offset + table.length);
      expect(bytesEqual(after, before)).toBe(false);
      // Nothing claimed: the journal stops before dct-written and names the mismatch.
      const [pending] = await rig.keys.pending();
      expect(pending).toMatchObject({ deviceId: device.deviceId });
      expect(['dct-written', 'dfu-left', 'uploaded', 'done']).not.toContain(pending.lastCompletedStep);
      expect(pending.lastError).toMatch(/differs/);
      expect(device.cloudOnline).toBe(false);
      // The original slot is in a verified backup.
      expect(pending.backupIds.length).toBeGreaterThan(0);
      const backup = await rig.backups.read(pending.backupIds[0], 'dct.bin');
      expect(bytesEqual(backup.subarray(table.offset, table.offset + table.length), before)).toBe(true);
    });
  }
});
