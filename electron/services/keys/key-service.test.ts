import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudProfile } from '../../../shared/contract/cloud';
import { KEY_SLOTS } from '../../../shared/domain/dct-layout';
import { RescueError } from '../../../shared/errors';
import { BackupStore } from '../backups/backup-store';
import type { OperationContext } from '../operations/operation-runner';
import { bytesEqual } from './key-formats';
import { generateDeviceKey } from './key-generation';
import { KeyService, type RepairOptions } from './key-service';
import { FakeKeyRig } from './testing/fake-device';
import { derPrefix } from './der';

const ID = 'e00fce68ffffffffffffffff';
const AUTO: RepairOptions = { serverKey: { kind: 'auto' }, preferBackupKey: true };

const spki = (type: 'rsa' | 'ec'): string =>
  Buffer.from(
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }).publicKey
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } }).publicKey,
  ).toString('base64');

const profile: CloudProfile = {
  id: 'virtual',
  name: 'Virtual cloud',
  kind: 'virtual',
  apiBaseUrl: 'http://127.0.0.1:1',
  serverKeys: { tcp: spki('rsa'), udp: spki('ec') },
  serverAddress: { tcp: { host: '127.0.0.1', port: 5683 }, udp: { host: '127.0.0.1', port: 5684 } },
};

function ctx(): OperationContext {
  const controller = new AbortController();
  return {
    operationId: 'op-test',
    deviceId: ID,
    signal: controller.signal,
    progress: () => undefined,
    log: () => undefined,
    throwIfCancelled: () => undefined,
  };
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keys-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function service(rig: FakeKeyRig, dir = dataDir): { keys: KeyService; backups: BackupStore } {
  const backups = new BackupStore(join(dir, 'backups'));
  const keys = new KeyService({
    dataDir: dir,
    backups,
    devices: rig.devices(),
    dfu: rig.dfu(),
    cloud: rig.cloud(),
    sleep: async () => undefined,
    timing: { probeMs: 0, verifyMs: 0, pollMs: 0 },
  });
  return { keys, backups };
}

async function healthyRig(platformId = 12): Promise<FakeKeyRig> {
  const rig = new FakeKeyRig(ID, platformId, profile);
  const key = await generateDeviceKey(rig.protocol);
  rig.setPrivateKey(key.privateKeyDer);
  rig.setServerKeyForProfile();
  rig.cloudKey = key.publicKeySha256;
  return rig;
}

describe('KeyService on a fake device', () => {
  it('a healthy device is diagnosed healthy and not written', async () => {
    const rig = await healthyRig();
    const before = rig.dct.slice();
    const { keys, backups } = service(rig);
    const health = await keys.healthCheck(ID, ctx());
    expect(health).toMatchObject({ healthy: true, cloudConnected: true, protocol: 'udp' });
    const result = await keys.repair(ID, AUTO, ctx());
    expect(result).toMatchObject({ action: 'none-needed', keyWritten: false, serverKeyWritten: false, dfuSessions: 1 });
    expect(bytesEqual(rig.dct, before)).toBe(true);
    expect(await backups.list()).toEqual([]);
    expect(rig.mode).toBe('normal');
  });

  it('blank keys: one DFU session, backup first, key on disk (0600) equals the device key, uploaded, online', async () => {
    const rig = new FakeKeyRig(ID, 6, profile);
    const original = rig.dct.slice();
    const { keys, backups } = service(rig);
    const result = await keys.repair(ID, AUTO, ctx());
    expect(result).toMatchObject({ action: 'generated', keyWritten: true, serverKeyWritten: true, upload: 'done', cloudConnected: true, dfuSessions: 1 });
    expect(rig.sessionsOpened).toBe(1);
    expect(rig.enumerations).toBe(2);
    const der = new Uint8Array(await readFile(result.keyFile!));
    const slot = KEY_SLOTS.tcp.privateKey;
    expect(bytesEqual(derPrefix(rig.dct.subarray(slot.offset, slot.offset + slot.length))!, der)).toBe(true);
    if (process.platform !== 'win32') expect((await stat(result.keyFile!)).mode & 0o777).toBe(0o600);
    expect(bytesEqual(await backups.read(result.backupId!, 'dct.bin'), original)).toBe(true);
    expect(await keys.pending()).toEqual([]);
  });

  it('a valid key the cloud refuses is replaced (the device keeps trying to connect)', async () => {
    const rig = await healthyRig(13);
    rig.cloudKey = 'someone-else';
    const { keys } = service(rig);
    expect((await keys.healthCheck(ID, ctx())).problems.join(' ')).toMatch(/different public key/);
    const result = await keys.repair(ID, AUTO, ctx());
    expect(result).toMatchObject({ action: 'generated', serverKeyWritten: false, cloudConnected: true });
  });

  it('a server key of another server is replaced, the device key kept and its public key uploaded', async () => {
    const rig = await healthyRig(10);
    const other = buildOtherServerSlot();
    rig.dct.set(other, KEY_SLOTS.udp.serverKey.offset);
    rig.cloudKey = null;
    const keyBefore = rig.privateKeySha();
    const { keys } = service(rig);
    const result = await keys.repair(ID, AUTO, ctx());
    expect(result).toMatchObject({ action: 'kept-key', keyWritten: false, serverKeyWritten: true, upload: 'done', cloudConnected: true });
    expect(rig.privateKeySha()).toBe(keyBefore);
  });

  it('a protected device is refused with nothing written and no backup', async () => {
    const rig = new FakeKeyRig(ID, 12, profile);
    rig.protectedDevice = true;
    const before = rig.dct.slice();
    const { keys, backups } = service(rig);
    const error = await keys.repair(ID, AUTO, ctx()).catch((e: unknown) => e);
    expect(RescueError.is(error, 'DEVICE_PROTECTED')).toBe(true);
    expect((error as RescueError).fix).toMatch(/console\.particle\.io/);
    expect(bytesEqual(rig.dct, before)).toBe(true);
    expect(await backups.list()).toEqual([]);
    expect((await keys.healthCheck(ID, ctx())).protected).toBe(true);
  });

  it('cloud offline at upload: queued and pending, then resumed (also by a new service instance) to online', async () => {
    const rig = new FakeKeyRig(ID, 12, profile);
    rig.cloudOnline = false;
    const first = service(rig);
    const result = await first.keys.repair(ID, AUTO, ctx());
    expect(result).toMatchObject({ action: 'generated', upload: 'queued', cloudConnected: null });
    expect(rig.connected()).toBe(false);
    expect(await first.keys.pending()).toMatchObject([{ deviceId: ID, uploadQueued: true, lastCompletedStep: 'dfu-left' }]);
    rig.cloudOnline = true;
    const restarted = service(rig);
    const resumed = await restarted.keys.resume(ID, ctx());
    expect(resumed).toMatchObject({ upload: 'done', cloudConnected: true, dfuSessions: 0 });
    expect(await restarted.keys.pending()).toEqual([]);
  });

  it('offline repair restores a saved key the cloud knows instead of generating one', async () => {
    const rig = new FakeKeyRig(ID, 12, profile);
    const { keys } = service(rig);
    const first = await keys.repair(ID, AUTO, ctx());
    const known = rig.privateKeySha();
    // A brown-out wipes the key; the cloud is unreachable now.
    rig.setPrivateKey(null);
    rig.cloudOnline = false;
    const second = await keys.repair(ID, AUTO, ctx());
    expect(second).toMatchObject({ action: 'restored-from-backup', upload: 'not-needed', cloudConnected: true });
    expect(rig.privateKeySha()).toBe(known);
    expect(second.keyFile).not.toBe(first.keyFile);
  });

  it('restores a DCT backup selectively after a safety backup, never boot flags', async () => {
    const rig = await healthyRig(6);
    const { keys, backups } = service(rig);
    const saved = await keys.backupNow(ID, ctx());
    const good = rig.dct.slice();
    rig.setPrivateKey(null);
    rig.dct[1753] = 0xa5; // an OTA flag set after the backup must survive the restore
    const result = await keys.restoreBackup(saved.backupId, ctx());
    expect(result).toMatchObject({ written: ['private-key'], verified: true });
    expect(rig.privateKeySha()).toBe(rig.cloudKey);
    expect(rig.dct[1753]).toBe(0xa5);
    expect(bytesEqual(rig.dct.subarray(0, 1753), good.subarray(0, 1753))).toBe(true);
    expect((await backups.list(ID)).length).toBe(2);
  });
});

describe('fault matrix on the fake device (every transfer of a repair)', () => {
  it('an unplug at any transfer: resume ends online, old DCT backed up, device key on disk', async () => {
    const clean = new FakeKeyRig(ID, 6, profile);
    const dir = await mkdtemp(join(tmpdir(), 'keys-clean-'));
    await service(clean, dir).keys.repair(ID, AUTO, ctx());
    await rm(dir, { recursive: true, force: true });
    const total = clean.transfers;
    expect(total).toBeGreaterThan(4);
    for (let n = 1; n <= total; n++) {
      const caseDir = await mkdtemp(join(tmpdir(), `keys-fault-${n}-`));
      const rig = new FakeKeyRig(ID, 6, profile);
      const original = rig.dct.slice();
      rig.failAtTransfer = n;
      const { keys, backups } = service(rig, caseDir);
      let result = await keys.repair(ID, AUTO, ctx()).catch(() => null);
      for (let attempt = 0; !result && attempt < 3; attempt++) result = await keys.repair(ID, AUTO, ctx()).catch(() => null);
      expect(result, `fault at transfer ${n}`).not.toBeNull();
      expect(rig.connected(), `fault at transfer ${n}`).toBe(true);
      const all = await backups.list(ID);
      const oldest = all.at(-1)!;
      expect(bytesEqual(await backups.read(oldest.backupId, 'dct.bin'), original)).toBe(true);
      const slot = KEY_SLOTS.tcp.privateKey;
      const onDevice = derPrefix(rig.dct.subarray(slot.offset, slot.offset + slot.length))!;
      expect(bytesEqual(new Uint8Array(await readFile(result!.keyFile!)), onDevice)).toBe(true);
      await rm(caseDir, { recursive: true, force: true });
    }
  });
});

function buildOtherServerSlot(): Uint8Array {
  const slot = new Uint8Array(KEY_SLOTS.udp.serverKey.length).fill(0xff);
  slot.set(Buffer.from(spki('ec'), 'base64'), 0);
  slot.set([1, 11, ...Buffer.from('example.com')], 192);
  return slot;
}

describe('Particle CLI server key files', () => {
  const fixture = join(__dirname, '../../../../shared/fixtures/keys/ec.pub.der');

  it('offers the installed CLI key files, marking only genuine ones', async (ctx) => {
    ctx.skip(!existsSync(fixture), 'needs ../shared/fixtures beside the checkout (reference material, not in the repository)');
    const keysDir = join(dataDir, 'home', '.particle', 'node_modules', 'particle-cli', 'assets', 'keys');
    await mkdir(keysDir, { recursive: true });
    await copyFile(fixture, join(keysDir, 'ec.pub.der'));
    await writeFile(join(keysDir, 'rsa.pub.der'), Buffer.from(spki('rsa'), 'base64'));
    const { keys } = service(new FakeKeyRig(ID, 12, profile));
    const candidates = await keys.serverKeyCandidates({
      home: join(dataDir, 'home'),
      platform: 'linux',
      env: {},
      exists: async (p) => existsSync(p),
      list: async () => [],
    });
    expect(candidates).toEqual([
      { protocol: 'tcp', path: join(keysDir, 'rsa.pub.der'), genuine: false },
      { protocol: 'udp', path: join(keysDir, 'ec.pub.der'), genuine: true },
    ]);
  });
});
