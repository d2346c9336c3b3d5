import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualCloud } from '../../lab/cloud/virtual-cloud';
import type { Services } from '../../services/container';
import { DeviceOsStore } from '../../services/firmware/device-os-store';
import { allValid, rigPerTest, type Rig } from '../../services/firmware/testing/lab-rig';
import type { CliEnv } from '../types';
import { command as update } from './update';

let cloud: VirtualCloud;
let dir: string;
beforeAll(async () => {
  cloud = new VirtualCloud();
  await cloud.start();
  cloud.addAccount({ username: 'u@example.com', password: 'pw' });
  dir = mkdtempSync(join(tmpdir(), 'update-cli-'));
});
afterAll(async () => {
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
});

function labEnv(rig: Rig, deviceId: string): CliEnv & { out: string[] } {
  const out: string[] = [];
  const services = { firmware: rig.firmware, operations: rig.operations, bus: { subscribe: () => () => undefined } } as unknown as Services;
  return { out, json: false, print: (t) => out.push(t), printJson: (v) => out.push(JSON.stringify(v)), services: async () => services, deviceId: async (g) => g ?? deviceId };
}

describe('update <deviceId> [--version X]', () => {
  const startRig = rigPerTest();

  it('Electron: downloads the latest release for its platform, prints where it came from and the plan, flashes, then reuses the cache', async () => {
    const store = new DeviceOsStore(join(dir, 'device-os'));
    const access = { apiBaseUrl: cloud.baseUrl(), token: cloud.createToken('u@example.com') };
    const rig = startRig({ deviceOs: { store, access: async () => access } });
    const device = await rig.lab.attach('electron-seed');

    const first = labEnv(rig, device.deviceId);
    expect(await update.run({ positionals: [device.deviceId], flags: {} }, first)).toBe(0);
    expect(first.out[0]).toMatch(/^Device OS 2\.3\.1: electron-system-part3@2\.3\.1\.bin, electron-system-part2@2\.3\.1\.bin, electron-system-part1@2\.3\.1\.bin \(downloaded from the cloud, verified/);
    expect(first.out[1]).toMatch(/^Plan for /);
    expect(first.out.at(-1)).toMatch(/reports every module valid/);
    expect(allValid(device)).toBe(true);

    await cloud.stop();
    const offline = labEnv(rig, device.deviceId);
    expect(await update.run({ positionals: [device.deviceId], flags: { version: '2.3.1', 'dry-run': true } }, offline)).toBe(0);
    expect(offline.out[0]).toMatch(/\(from the cache in the data folder, verified\)/);
    await cloud.start();
  });
});
