import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import type { VirtualParticleDevice } from '../../lab';
import { bytesEqual } from './key-formats';
import { slotOf } from './key-health';
import type { RepairOptions } from './key-service';
import { settled } from './testing/lab-rig';
import { labRigPerTest } from './testing/lab-rig-per-test';

const AUTO: RepairOptions = { serverKey: { kind: 'auto' }, preferBackupKey: true };
const current = labRigPerTest({ keyTiming: { verifyMs: 5_000 } });
let rig: ReturnType<typeof current>;
beforeEach(() => {
  rig = current();
});

async function waitOnline(device: VirtualParticleDevice): Promise<boolean> {
  for (let i = 0; i < 1000 && !device.cloudOnline; i++) await new Promise((r) => setTimeout(r, 10));
  return device.cloudOnline;
}

describe('restoring an old key is a decision, not a side effect', () => {
  it('photon-seed: restoring the pre-repair backup warns and writes nothing; with the upload the device connects on the old key', async () => {
    const device = await settled(await rig.lab.attach('photon-seed', { timing: 'fast' }), 5);
    const slot = KEY_SLOTS.tcp.privateKey;
    const original = slotOf(device.dctBytes(), slot).slice();
    const repaired = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(repaired.cloudConnected).toBe(true);
    const newKey = slotOf(device.dctBytes(), slot).slice();

    const refused = await rig.operations.run('restore', device.deviceId, (ctx) => rig.keys.restoreBackup(repaired.backupId!, ctx)).catch((e: unknown) => e);
    expect(RescueError.is(refused, 'RESTORE_NEEDS_DECISION')).toBe(true);
    expect((refused as RescueError).message).toMatch(/not known to hold/);
    expect((refused as RescueError).fix).toMatch(/upload/);
    expect(bytesEqual(slotOf(device.dctBytes(), slot), newKey)).toBe(true);
    expect((await rig.devices.waitFor(device.deviceId, 'normal', { timeoutMs: 5_000 })).usbMode).toBe('normal');

    const restored = await rig.operations.run('restore', device.deviceId, (ctx) => rig.keys.restoreBackup(repaired.backupId!, ctx, { uploadKey: true }));
    expect(restored).toMatchObject({ verified: true, keyUnknownToCloud: true, upload: 'done' });
    expect(bytesEqual(slotOf(device.dctBytes(), slot), original)).toBe(true);
    expect(await waitOnline(device)).toBe(true);
    expect(device.led().patternId).toBe('breathing-cyan');
  });

  it('a restored key the cloud refuses is forgotten, and the repair falls back to a new key it uploads — blaming the cloud, not the network', async () => {
    const device = await settled(await rig.lab.attach('argon-seed', { timing: 'fast' }), 5);
    await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    const known = rig.cloud.devicePublicKeySpki(device.deviceId)!;
    // Since then, the cloud was given another key for the device (another tool, another machine).
    const stranger = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }));
    rig.cloud.registerDevice(device.deviceId, { platformId: device.platformId, publicKeySpki: stranger });
    // And the device's key slot got damaged.
    await rig.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await rig.dfu.openSession(device.deviceId, ctx);
      await session.write(1, KEY_SLOTS.udp.privateKey.offset, new Uint8Array(16), { erase: false });
      await rig.dfu.leave(device.deviceId, ctx);
    });
    const keys = rig.restart();
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => keys.repair(device.deviceId, AUTO, ctx));
    expect(result).toMatchObject({ action: 'generated', upload: 'done', cloudConnected: true, fellBackToNewKey: true });
    expect(result.messages[0]).toMatch(/restored key was not accepted by the cloud/);
    expect(result.messages.join(' ')).not.toMatch(/Wi-Fi|network \(/);
    expect(result.dfuSessions).toBe(2);
    expect(device.cloudOnline).toBe(true);
    const now = rig.cloud.devicePublicKeySpki(device.deviceId)!;
    expect(bytesEqual(now, known)).toBe(false);
    expect(bytesEqual(now, stranger)).toBe(false);
  });

  it('a fresh virtual cloud never trusts a record made with an earlier one', async () => {
    const device = await settled(await rig.lab.attach('argon-seed', { timing: 'fast' }), 5);
    const first = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(first.cloudConnected).toBe(true);
    // Same app data, same profile id, but another cloud instance (as after a lab restart).
    const profile = { ...rig.cloud.cloudProfile(), instanceId: 'a-later-lab' };
    rig.cloudService.registerProfile(profile);
    await rig.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await rig.dfu.openSession(device.deviceId, ctx);
      await session.write(1, KEY_SLOTS.udp.privateKey.offset, new Uint8Array(16), { erase: false });
      await rig.dfu.leave(device.deviceId, ctx);
    });
    const second = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    // The saved key is not restored on the word of a record from another cloud: a new key is made and uploaded.
    expect(second).toMatchObject({ action: 'generated', upload: 'done', cloudConnected: true, fellBackToNewKey: false, dfuSessions: 1 });
  });
});
