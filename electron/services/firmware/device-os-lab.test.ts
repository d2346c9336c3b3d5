import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { VirtualCloud, generateServerKeys } from '../../lab/cloud/virtual-cloud';
import { DeviceOsStore, type CloudAccess } from './device-os-store';
import { parseModule } from './module-parser';
import { allValid, rigPerTest } from './testing/lab-rig';

const serverKeys = generateServerKeys();
let cloud: VirtualCloud;
let access: CloudAccess;
let dir: string;
beforeAll(async () => {
  cloud = new VirtualCloud({ serverKeys });
  await cloud.start();
  cloud.addAccount({ username: 'fw@example.com', password: 'pw' });
  access = { apiBaseUrl: cloud.baseUrl(), token: cloud.createToken('fw@example.com') };
});
afterAll(async () => {
  await cloud.stop();
});
afterEach(async () => {
  if (!cloud.running) await cloud.start();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function newStore(): DeviceOsStore {
  dir = mkdtempSync(join(tmpdir(), 'dos-'));
  return new DeviceOsStore(join(dir, 'device-os'));
}

const fileRequests = () => cloud.requests().filter((r) => r.path.startsWith('/v1/firmware/device-os/')).length;

describe('Device OS from the (virtual) cloud', () => {
  it('latest for a Photon: the versions API names the files, each is downloaded, verified and cached', async () => {
    const store = newStore();
    const release = await store.get(6, 'latest', access);
    expect(release).toMatchObject({ platformId: 6, version: '2.3.1', source: 'cloud' });
    const modules = release.files.map((f) => parseModule(f.fileName, f.data).info);
    expect(modules.map((m) => [m.fileName, m.function, m.index, m.version, m.platformId, m.crcOk, m.sha256Ok])).toEqual([
      ['photon-system-part1@2.3.1.bin', 'systemPart', 1, 2302, 6, true, true],
      ['photon-system-part2@2.3.1.bin', 'systemPart', 2, 2302, 6, true, true],
    ]);
    expect(existsSync(join(dir, 'device-os', '6', '2.3.1', 'release.json'))).toBe(true);

    const before = fileRequests();
    const again = await store.get(6, '2.3.1', access);
    expect(again.source).toBe('cache');
    expect(fileRequests()).toBe(before);
    expect(again.files.map((f) => f.data)).toEqual(release.files.map((f) => f.data));
  });

  it('a corrupted download is refused and nothing of it is cached', async () => {
    const store = newStore();
    cloud.deviceOs.corruptFile('electron-system-part2@2.3.1.bin');
    const error = await store.get(10, '2.3.1', access).catch((e: unknown) => e);
    expect(RescueError.is(error, 'BAD_CRC')).toBe(true);
    expect((error as RescueError).message).toMatch(/not used or kept: electron-system-part2@2\.3\.1\.bin: CRC-32 check failed/);
    expect(existsSync(join(dir, 'device-os', '10', '2.3.1'))).toBe(false);
  });

  it('offline, the cache answers (by version and for latest); a release never fetched is explained', async () => {
    const store = newStore();
    await store.get(12, 'latest', access);
    await cloud.stop();
    expect(await store.get(12, '6.2.0', access)).toMatchObject({ version: '6.2.0', source: 'cache' });
    expect(await store.get(12, 'latest', access)).toMatchObject({ version: '6.2.0', source: 'cache' });
    const error = await store.get(12, '4.2.0', access).catch((e: unknown) => e);
    expect(RescueError.is(error, 'CLOUD_UNREACHABLE')).toBe(true);
    expect((error as RescueError).message).toMatch(/not in the cache either/);
  });

  it('an unknown version is NOT_FOUND, a bad token CLOUD_AUTH_REQUIRED', async () => {
    const store = newStore();
    await expect(store.get(6, '9.9.9', access)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.get(6, '2.3.1', { ...access, token: 'nope' })).rejects.toMatchObject({ code: 'CLOUD_AUTH_REQUIRED' });
  });
});

describe('update (Device OS reinstall) on the lab', () => {
  const startRig = rigPerTest();

  it('photon-bad-system in DFU mode: Device OS 2.3.1 fetched, verified, flashed with per-module progress and confirmed', async () => {
    const store = newStore();
    const rig = startRig({ deviceOs: { store, access: async () => access } });
    const device = await rig.lab.attach('photon-bad-system');
    const messages: string[] = [];
    const result = await rig.operations.run('flash', device.deviceId, (ctx) =>
      rig.firmware.updateDeviceOs(device.deviceId, { version: '2.3.1' }, { ...ctx, progress: (u) => { messages.push(u.message ?? ''); ctx.progress(u); } }),
    );
    expect(result).toMatchObject({ version: '2.3.1', source: 'cloud', confirmation: 'confirmed' });
    expect(result.plan.steps.map((s) => s.fileName)).toEqual(['photon-system-part1@2.3.1.bin', 'photon-system-part2@2.3.1.bin']);
    expect(messages).toContainEqual(expect.stringMatching(/^Writing system part 1 v2302 → 0x08020000 \(1\/2\)/));
    expect(messages).toContainEqual(expect.stringMatching(/^Writing system part 2 v2302 → 0x08060000 \(2\/2\)/));
    expect(allValid(device)).toBe(true);
  });

  it('files the user picked (offline) are verified the same way: a damaged one is refused before the device is touched', async () => {
    const rig = startRig();
    const device = await rig.lab.attach('photon-healthy');
    const release = await newStore().get(6, '2.3.1', access);
    const damaged = release.files.map((f, i) => (i === 0 ? { ...f, data: Uint8Array.from(f.data, (b, j) => (j === 600 ? b ^ 1 : b)) } : f));
    const enumerations = device.enumerations;
    const error = await rig.operations.run('flash', device.deviceId, (ctx) => rig.firmware.updateDeviceOs(device.deviceId, { files: damaged }, ctx)).catch((e: unknown) => e);
    expect(RescueError.is(error, 'BAD_CRC')).toBe(true);
    expect(device.enumerations).toBe(enumerations);
  });
});
