import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { VirtualCloud, generateServerKeys } from '../cloud/virtual-cloud';
import { connectRemoteLab, labStatus } from './lab-client';
import { readLabRecord, writeLabRecord } from './lab-files';
import { LabService } from './lab-service';
import { loadLabState, stateFromJson, stateToJson } from './lab-state';

const dirs: string[] = [];
const services: LabService[] = [];
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const s of services.splice(0)) await s.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-service-'));
  dirs.push(dir);
  return dir;
}

async function startLab(labDir: string, scenarios = ['photon-healthy']): Promise<LabService> {
  const service = await LabService.start({ labDir, scenarios, timing: 'fast', saveDelayMs: 10 });
  services.push(service);
  return service;
}

const DEVICE_DESCRIPTOR = { requestType: 'standard', recipient: 'device', request: 6, value: 0x0100, index: 0 } as const;

describe('lab service: remote USB', () => {
  it('a client sees the lab device, runs transfers on it, and follows a re-enumeration', async () => {
    const labDir = tempDir();
    const service = await startLab(labDir);
    const remote = await connectRemoteLab(labDir);
    closers.push(remote.close);
    const [entry] = await remote.source.list();
    expect(entry.virtual).toBe(true);
    expect(entry.scenario).toBe('photon-healthy');
    const usb = entry.device;
    await expect(usb.controlTransferIn(DEVICE_DESCRIPTOR, 18)).rejects.toMatchObject({ name: 'InvalidStateError' });
    await usb.open();
    expect(usb.opened).toBe(true);
    const reply = await usb.controlTransferIn(DEVICE_DESCRIPTOR, 18);
    expect(reply.status).toBe('ok');
    expect(reply.data!.getUint8(1)).toBe(1); // bDescriptorType: device
    expect(reply.data!.getUint16(8, true)).toBe(usb.vendorId);
    expect(reply.data!.getUint16(10, true)).toBe(usb.productId);
    await usb.claimInterface(usb.configuration!.interfaces[0].interfaceNumber);
    expect(usb.configuration!.interfaces[0].claimed).toBe(true);

    const changes: string[] = [];
    remote.source.onChange((c) => changes.push(c.kind));
    const deviceId = service.status().devices[0].deviceId;
    await service.reset('photon-healthy');
    for (let i = 0; i < 100 && changes.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(changes).toEqual(['detach', 'attach']);
    await expect(usb.open()).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(remote.source.has(deviceId)).toBe(true);
    expect(await remote.source.list()).toHaveLength(1);
  });

  it('the session points at the lab cloud with a working demo token', async () => {
    const labDir = tempDir();
    await startLab(labDir);
    const remote = await connectRemoteLab(labDir);
    closers.push(remote.close);
    const response = await fetch(`${remote.session.cloudProfile.apiBaseUrl}/v1/user`, { headers: { authorization: `Bearer ${remote.session.accessToken}` } });
    expect(response.status).toBe(200);
    expect(remote.session.devices.map((d) => d.scenario)).toEqual(['photon-healthy']);
  });
});

describe('lab service: persistence', () => {
  it('a device restored from a snapshot has the flash and DCT it was saved with', async () => {
    const serverKeys = generateServerKeys();
    const cloud = new VirtualCloud({ serverKeys });
    const first = new DeviceLab({ timing: 'fast', cloud });
    const device = await first.attach('photon-healthy');
    device.setWifiCredentials('Saved-Network');
    const changed = device.dctBytes();
    const snapshot = device.snapshot();
    await first.close();
    const json = stateToJson({ labId: 'x', timing: 'fast', devices: [{ scenario: 'photon-healthy', deviceId: device.deviceId, snapshot }], cloud: cloud.exportState() });
    const restored = stateFromJson(json);
    const second = new DeviceLab({ timing: 'fast', cloud });
    const again = await second.attach('photon-healthy', { deviceId: device.deviceId, restore: restored.devices[0].snapshot });
    expect(Buffer.from(again.dctBytes()).equals(Buffer.from(changed))).toBe(true);
    expect(Buffer.from(again.readFlash(0x08020000, 4096)).equals(Buffer.from(device.readFlash(0x08020000, 4096)))).toBe(true);
    const fresh = await new DeviceLab({ timing: 'fast', cloud }).attach('photon-healthy', { deviceId: '0123456789abcdef01234567' });
    expect(Buffer.from(fresh.dctBytes()).equals(Buffer.from(changed))).toBe(false);
    await second.close();
  });

  it('a restarted lab resumes its identity, devices, cloud server keys and device records', async () => {
    const labDir = tempDir();
    const first = await startLab(labDir, ['photon-seed']);
    const before = first.status();
    const profile = first.session().cloudProfile;
    await first.stop();
    const saved = loadLabState(labDir)!;
    expect(saved.devices.map((d) => d.deviceId)).toEqual(before.devices.map((d) => d.deviceId));
    const second = await startLab(labDir, []);
    const after = second.status();
    expect(after.labId).toBe(before.labId);
    expect(after.devices.map((d) => d.deviceId)).toEqual(before.devices.map((d) => d.deviceId));
    expect(second.session().cloudProfile.serverKeys).toEqual(profile.serverKeys);
    const reset = await second.reset();
    expect(reset.labId).not.toBe(before.labId);
  });
});

describe('lab service: bad input', () => {
  it('a second lab on the same folder is refused; a stale lab.json is taken over', async () => {
    const labDir = tempDir();
    await startLab(labDir);
    await expect(LabService.start({ labDir, scenarios: [] })).rejects.toMatchObject({ message: expect.stringContaining('already running'), details: { usage: true } });

    const staleDir = tempDir();
    writeLabRecord(staleDir, { port: 1, token: 'old', pid: 2 ** 22 + 12345, started: '2020-01-01T00:00:00Z', labId: 'old' });
    await expect(labStatus(staleDir)).rejects.toMatchObject({ message: expect.stringContaining('stale'), details: { usage: true } });
    const taken = await startLab(staleDir);
    expect(readLabRecord(staleDir)?.pid).toBe(process.pid);
    expect(readLabRecord(staleDir)?.port).toBe(taken.record.port);
  });

  it('unknown scenario, no lab, wrong token: one clear usage error each', async () => {
    await expect(LabService.start({ labDir: tempDir(), scenarios: ['photon-nope'] })).rejects.toMatchObject({ fix: expect.stringContaining('photon-seed'), details: { usage: true } });
    await expect(connectRemoteLab(tempDir())).rejects.toMatchObject({ message: expect.stringContaining('No lab is running'), details: { usage: true } });
    const labDir = tempDir();
    const service = await startLab(labDir);
    writeLabRecord(labDir, { ...service.record, token: 'not-the-token' });
    await expect(connectRemoteLab(labDir)).rejects.toMatchObject({ message: expect.stringContaining('refused the access token'), details: { usage: true } });
    const ws = await fetch(`http://127.0.0.1:${service.record.port}/lab/status`, { headers: { authorization: `Bearer ${service.record.token}`, origin: 'http://evil.example' } });
    expect(ws.status).toBe(403);
  });
});
