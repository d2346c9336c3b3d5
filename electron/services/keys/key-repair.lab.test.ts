import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import { derPrefix } from './der';
import { bytesEqual } from './key-formats';
import type { RepairOptions } from './key-service';
import { settled, startLabRig, type LabRig } from './testing/lab-rig';

const AUTO: RepairOptions = { serverKey: { kind: 'auto' }, preferBackupKey: true };
let rig: LabRig;

beforeEach(async () => {
  rig = await startLabRig();
});
afterEach(async () => {
  await rig.close();
});

async function attachSettled(scenario: string) {
  return settled(await rig.lab.attach(scenario, { timing: 'fast' }), 5);
}

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('one-click key repair in the device lab', () => {
  for (const scenario of ['photon-seed', 'photon-blank-keys', 'photon-private-cloud', 'electron-seed', 'argon-seed']) {
    it(`${scenario} ends breathing cyan after one repair, in a single DFU session`, async () => {
      const device = await attachSettled(scenario);
      expect(device.cloudOnline).toBe(false);
      const dctBefore = device.dctBytes().slice();
      const enumerationsBefore = device.enumerations;
      const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
      expect(result).toMatchObject({ cloudConnected: true, dfuSessions: 1 });
      expect(result.action).not.toBe('none-needed');
      expect(device.cloudOnline).toBe(true);
      expect(device.led().patternId).toBe('breathing-cyan');
      // Into DFU once and back out once: one session for check, backup, write and verify.
      expect(device.enumerations - enumerationsBefore).toBe(2);
      expect(rig.cloud.devicePublicKeySpki(device.deviceId)).not.toBeNull();
      // The key slots as they were before any write are in the backup (the firmware keeps the
      // public key field up to date by itself, so that field may differ from the attach-time image).
      const backup = await rig.backups.read(result.backupId!, 'dct.bin');
      for (const protocol of ['tcp', 'udp'] as const) {
        for (const slot of [KEY_SLOTS[protocol].privateKey, KEY_SLOTS[protocol].serverKey]) {
          const end = slot.offset + slot.length;
          expect(bytesEqual(backup.subarray(slot.offset, end), dctBefore.subarray(slot.offset, end))).toBe(true);
        }
      }
      expect(await rig.keys.pending()).toEqual([]);
    });
  }

  it('photon-healthy is diagnosed healthy and not written', async () => {
    const device = await attachSettled('photon-healthy');
    const dctBefore = device.dctBytes().slice();
    const health = await rig.operations.run('health-check', device.deviceId, (ctx) => rig.keys.healthCheck(device.deviceId, ctx));
    expect(health).toMatchObject({ healthy: true, cloudConnected: true, protocol: 'tcp', problems: [] });
    expect(health.privateKey).toMatchObject({ state: 'valid', algorithm: 'rsa-1024', matchesDevicePublicKey: true });
    expect(health.serverKey).toMatchObject({ state: 'profile', matchesProfile: true });
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(result).toMatchObject({ action: 'none-needed', keyWritten: false, serverKeyWritten: false, backupId: null });
    expect(bytesEqual(device.dctBytes(), dctBefore)).toBe(true);
    expect(await rig.backups.list()).toEqual([]);
  });

  it('photon-seed: the health check names the refused key', async () => {
    const device = await rig.lab.attach('photon-seed', { timing: 'fast' });
    const health = await rig.operations.run('health-check', device.deviceId, (ctx) => rig.keys.healthCheck(device.deviceId, ctx));
    expect(health).toMatchObject({ healthy: false, cloudConnected: false });
    expect(health.problems.join(' ')).toMatch(/different public key/);
  });

  it('photon-protected is refused with an explanation and nothing written', async () => {
    const device = await attachSettled('photon-protected');
    const dctBefore = device.dctBytes().slice();
    const error = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx)).catch((e: unknown) => e);
    expect(RescueError.is(error, 'DEVICE_PROTECTED')).toBe(true);
    expect((error as RescueError).message).toMatch(/Device Protection/);
    expect((error as RescueError).fix).toMatch(/console\.particle\.io/);
    expect(bytesEqual(device.dctBytes(), dctBefore)).toBe(true);
    expect(await rig.backups.list()).toEqual([]);
    expect(await rig.keys.pending()).toEqual([]);
  });

  it('a Photon whose DCT is not reachable (bad system part 2) is not written blind', async () => {
    const device = await attachSettled('photon-bad-system');
    const dctBefore = device.dctBytes().slice();
    const health = await rig.operations.run('health-check', device.deviceId, (ctx) => rig.keys.healthCheck(device.deviceId, ctx));
    expect(health).toMatchObject({ dctReadable: false, healthy: false });
    expect(health.summary).toMatch(/system part 2/);
    const error = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx)).catch((e: unknown) => e);
    expect(RescueError.is(error, 'DCT_UNREADABLE')).toBe(true);
    expect(bytesEqual(device.dctBytes(), dctBefore)).toBe(true);
    expect(await rig.backups.list()).toEqual([]);
    expect(await rig.keys.pending()).toEqual([]);
  });

  it('keys written to the devices are accepted by openssl (RSA PKCS#1, EC SEC1)', async (ctx) => {
    ctx.skip(!haveOpenssl(), 'openssl is not installed (optional: an independent second reader of the written keys; the app itself never needs it)');
    for (const [scenario, protocol, tool] of [
      ['photon-seed', 'tcp', 'rsa'],
      ['argon-seed', 'udp', 'ec'],
    ] as const) {
      const device = await rig.lab.attach(scenario, { timing: 'fast' });
      const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
      const slot = KEY_SLOTS[protocol].privateKey;
      const der = derPrefix(device.dctBytes().subarray(slot.offset, slot.offset + slot.length))!;
      expect(bytesEqual(der, new Uint8Array(await readFile(result.keyFile!)))).toBe(true);
      const file = join(rig.dataDir, `${scenario}.der`);
      await writeFile(file, der);
      const text = execFileSync('openssl', [tool, '-inform', 'DER', '-in', file, '-noout', '-text'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(text).toMatch(protocol === 'tcp' ? /Private-Key: \(1024 bit, 2 primes\)[\s\S]*publicExponent: 65537/ : /Private-Key: \(256 bit\)[\s\S]*prime256v1/);
      execFileSync('openssl', ['pkey', '-inform', 'DER', '-in', file, '-noout', '-check'], { stdio: 'ignore' });
    }
  });

  it('cloud unreachable at upload: queued and visible, resumed after a restart to online', async () => {
    const device = await rig.lab.attach('photon-seed', { timing: 'fast' });
    rig.cloud.failNextRequests(100, 503);
    const first = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(first).toMatchObject({ action: 'generated', upload: 'queued', cloudConnected: null });
    expect(first.messages.join(' ')).toMatch(/resume/);
    expect(await rig.keys.pending()).toMatchObject([{ deviceId: device.deviceId, uploadQueued: true }]);
    rig.cloud.failNextRequests(0);
    const restarted = rig.restart();
    expect(await restarted.pending()).toHaveLength(1);
    const resumed = await rig.operations.run('repair-keys', device.deviceId, (ctx) => restarted.resume(device.deviceId, ctx));
    expect(resumed).toMatchObject({ upload: 'done', cloudConnected: true, dfuSessions: 0, keyFile: first.keyFile });
    expect(device.cloudOnline).toBe(true);
    expect(await restarted.pending()).toEqual([]);
  });

  it('offline repair: a key the cloud knows is restored from the key store, no cloud needed', async () => {
    const device = await rig.lab.attach('argon-seed', { timing: 'fast' });
    await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    const good = rig.cloud.devicePublicKeySpki(device.deviceId);
    // Something overwrites the start of the key slot (as a bad tool would); the cloud API is down.
    await rig.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await rig.dfu.openSession(device.deviceId, ctx);
      await session.write(1, KEY_SLOTS.udp.privateKey.offset, new Uint8Array(16), { erase: false });
      await rig.dfu.leave(device.deviceId, ctx);
    });
    expect((await rig.operations.run('health-check', device.deviceId, (ctx) => rig.keys.healthCheck(device.deviceId, ctx))).privateKey.state).toBe('corrupt');
    rig.cloud.failNextRequests(1000, 503);
    const result = await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, AUTO, ctx));
    expect(result).toMatchObject({ action: 'restored-from-backup', upload: 'not-needed', cloudConnected: true });
    expect(rig.cloud.devicePublicKeySpki(device.deviceId)).toEqual(good);
  });

  it('backup now + restore puts the old key back, after a safety backup', async () => {
    const device = await rig.lab.attach('photon-healthy', { timing: 'fast' });
    const saved = await rig.operations.run('backup', device.deviceId, (ctx) => rig.keys.backupNow(device.deviceId, ctx));
    expect((await rig.backups.verify(saved.backupId)).ok).toBe(true);
    await rig.operations.run('repair-keys', device.deviceId, (ctx) => rig.keys.repair(device.deviceId, { ...AUTO, serverKey: { kind: 'keep' } }, ctx));
    const original = await rig.backups.read(saved.backupId, 'tcp-private-key.bin');
    const restored = await rig.operations.run('restore', device.deviceId, (ctx) => rig.keys.restoreBackup(saved.backupId, ctx));
    expect(restored).toMatchObject({ deviceId: device.deviceId, verified: true });
    const slot = KEY_SLOTS.tcp.privateKey;
    expect(bytesEqual(device.dctBytes().subarray(slot.offset, slot.offset + slot.length), original)).toBe(true);
  });
});
