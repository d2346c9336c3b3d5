import { beforeEach, describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import type { VirtualParticleDevice } from '../../lab';
import { effectiveProtocol, slotOf } from './key-health';
import { bytesEqual } from './key-formats';
import type { RepairOptions } from './key-service';
import { settled } from './testing/lab-rig';
import { labRigPerTest } from './testing/lab-rig-per-test';

/**
 * Issue 17: the forum user's device is already blinking yellow (DFU mode) when the app sees it, so
 * the cloud link cannot be watched. The health check must say "unknown", never "in order", and the
 * one-click repair must take the evidence it can get before deciding.
 */
const AUTO: RepairOptions = { serverKey: { kind: 'auto' }, preferBackupKey: true };
const current = labRigPerTest();
let rig: ReturnType<typeof current>;
beforeEach(() => {
  rig = current();
});

async function inDfu(scenario: string): Promise<VirtualParticleDevice> {
  const device = await settled(await rig.lab.attach(scenario, { timing: 'fast' }), 5);
  expect(device.cloudOnline).toBe(false);
  await rig.operations.run('enter-dfu', device.deviceId, (ctx) => rig.dfu.enterDfu(device.deviceId, ctx));
  expect((await rig.devices.find(device.deviceId)).usbMode).toBe('dfu');
  return device;
}

function keySlot(device: VirtualParticleDevice): Uint8Array {
  const dct = device.dctBytes();
  return slotOf(dct, KEY_SLOTS[effectiveProtocol(device.platformId, dct)].privateKey).slice();
}

describe('a device already in DFU mode (blinking yellow)', () => {
  for (const scenario of ['photon-seed', 'electron-seed', 'argon-seed']) {
    it(`${scenario}: diagnose says unknown, repair-keys leaves DFU to watch, sees the refusal and fixes it`, async () => {
      const device = await inDfu(scenario);
      const original = keySlot(device);
      const health = await rig.operations.run('health-check', device.deviceId, (ctx) => rig.keys.healthCheck(device.deviceId, ctx));
      expect(health).toMatchObject({ healthy: false, verdict: 'unknown', cloudConnected: null, problems: [] });
      expect(health.summary).not.toMatch(/in order/);
      expect(health.questions?.find((q) => q.question === 'cloud-accepts-key')).toMatchObject({ verdict: 'unknown', source: 'none' });

      const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
      expect(result).toMatchObject({ action: 'generated', keyWritten: true, upload: 'done', cloudConnected: true, offlineReason: null });
      // Once into DFU to read, out to watch the cloud refuse the key, once more to write.
      expect(result.dfuSessions).toBe(2);
      expect(result.found?.verdict).toBe('bad');
      expect(result.found?.questions?.find((q) => q.question === 'cloud-accepts-key')).toMatchObject({ verdict: 'bad', source: 'cloud-probe' });
      expect(device.cloudOnline).toBe(true);
      expect(device.led().patternId).toBe('breathing-cyan');
      // The original key is in a verified backup taken before the write.
      expect(result.backups?.length).toBe(1);
      const protocol = effectiveProtocol(device.platformId, device.dctBytes());
      const backup = result.backups![0];
      expect((await rig.backups.verify(backup.backupId)).ok).toBe(true);
      expect(bytesEqual(await rig.backups.read(backup.backupId, `${protocol}-private-key.bin`), original)).toBe(true);
      expect(bytesEqual(keySlot(device), original)).toBe(false);
      expect(await rig.keys.pending()).toEqual([]);
    });
  }

  it('photon-seed with the LED the user picked (cyan with red bursts): repaired in one DFU session, no watch', async () => {
    const device = await inDfu('photon-seed');
    const enumerations = device.enumerations;
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) =>
      rig.keys.repair(device.deviceId, { ...AUTO, ledPatternId: 'cyan-red-burst' }, ctx),
    );
    expect(result).toMatchObject({ action: 'generated', cloudConnected: true, dfuSessions: 1 });
    expect(result.found?.questions?.find((q) => q.question === 'cloud-accepts-key')).toMatchObject({ verdict: 'bad', source: 'led' });
    // Already in DFU: only the one way out.
    expect(device.enumerations - enumerations).toBe(1);
    expect(device.cloudOnline).toBe(true);
  });

  it('photon-healthy in DFU: the watch proves the key, nothing is written and the device runs', async () => {
    const device = await settled(await rig.lab.attach('photon-healthy', { timing: 'fast' }), 5);
    for (let i = 0; i < 200 && !device.cloudOnline; i++) await new Promise((r) => setTimeout(r, 10));
    await rig.operations.run('enter-dfu', device.deviceId, (ctx) => rig.dfu.enterDfu(device.deviceId, ctx));
    const dct = device.dctBytes().slice();
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(result).toMatchObject({ action: 'none-needed', keyWritten: false, backupId: null, needsDecision: null });
    expect(result.found?.verdict).toBe('good');
    expect(bytesEqual(device.dctBytes(), dct)).toBe(true);
    expect((await rig.devices.find(device.deviceId)).usbMode).toBe('normal');
    expect(await rig.backups.list()).toEqual([]);
  });

  it('no evidence at all (the cloud link cannot be watched): asks before regenerating, writes nothing', async () => {
    const device = await inDfu('photon-seed');
    const original = keySlot(device);
    // The device gives no cloud status (as an old Device OS would): nothing proves a refusal.
    rig.devices.control = () => ({ cloudStatus: () => Promise.reject(new Error('not supported')) }) as never;
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(result).toMatchObject({ action: 'none-needed', keyWritten: false, needsDecision: 'regenerate-unproven-key' });
    expect(result.messages.join(' ')).toMatch(/--regenerate/);
    expect(result.messages.join(' ')).not.toMatch(/in order|already healthy|were healthy/);
    expect(result.messages[0]).toMatch(/watched, but it reported no cloud status/);
    expect(bytesEqual(keySlot(device), original)).toBe(true);
    expect(await rig.backups.list()).toEqual([]);
    expect(await rig.keys.pending()).toEqual([]);
  });
});

describe('evidence already there: no second cloud-link watch (issue 14)', () => {
  it('a health check that just proved the key refused spares the repair its watch', async () => {
    const device = await settled(await rig.lab.attach('photon-seed', { timing: 'fast' }), 5);
    const health = await rig.operations.run('health-check', device.deviceId, (ctx) => rig.keys.healthCheck(device.deviceId, ctx));
    expect(health.verdict).toBe('bad');
    const phases: string[] = [];
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => {
      const progress = ctx.progress.bind(ctx);
      ctx.progress = (update) => {
        phases.push(update.phase);
        progress(update);
      };
      return rig.keys.repair(device.deviceId, AUTO, ctx);
    });
    expect(phases).not.toContain('probe-cloud');
    expect(result).toMatchObject({ action: 'generated', cloudConnected: true, dfuSessions: 1 });
  });
});
