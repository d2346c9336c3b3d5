import { afterEach, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../lab';
import type { DeviceSummary } from '../../../shared/domain';
import { RescueError } from '../../../shared/errors';
import { DeviceManager } from './device-manager';
import { RealUsbSource } from './real-usb-source';
import { OperationLog } from '../operations/operation-log';
import { labHarness, type LabHarness } from './testing/lab-harness';

let h: LabHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('DeviceManager on the device lab', () => {
  it.each(SCENARIOS.map((s) => s.name))('discovers %s with its platform, mode and Device OS version', async (name) => {
    h = labHarness();
    const device = await h.lab.attach(name);
    const [summary] = await h.devices.list();
    expect(summary).toMatchObject({
      deviceId: device.deviceId,
      platformId: device.platformId,
      mode: device.mode,
      usbMode: device.mode === 'dfu' ? 'dfu' : 'normal',
      virtual: true,
      scenario: name,
      health: 'unknown',
      busy: false,
    });
    expect(summary.deviceOsVersion).toBe(device.mode === 'dfu' ? null : device.systemVersion);
  });

  it('sees every attached device at once, hardware problem reported alongside', async () => {
    h = labHarness();
    await h.lab.attach('photon-healthy');
    await h.lab.attach('argon-seed');
    const manager = new DeviceManager({
      sources: [new RealUsbSource({ platform: 'linux', hasUsbSubsystem: () => false }), h.lab.source],
      serial: h.lab.serialAccess,
      opLog: new OperationLog(null),
    });
    expect((await manager.list()).map((d) => d.platformName).sort()).toEqual(['Argon', 'Photon']);
    expect(manager.status()).toMatchObject({ available: false, problem: { code: 'USB_UNAVAILABLE' } });
    manager.close();
  });

  it('emits devices.changed on attach, mode change and detach', async () => {
    h = labHarness();
    const seen: DeviceSummary[][] = [];
    h.bus.subscribe((event, payload) => {
      if (event === 'devices.changed') seen.push((payload as { devices: DeviceSummary[] }).devices);
    });
    const device = await h.lab.attach('photon-healthy');
    await expect.poll(() => seen.some((list) => list.some((d) => d.deviceId === device.deviceId)), { timeout: 5000 }).toBe(true);
    await h.lab.detach(device.deviceId);
    await expect.poll(() => seen.at(-1)?.length, { timeout: 5000 }).toBe(0);
  });

  it('infers safe mode from the module table (no valid user part)', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu, operations } = h;
    await operations.run('flash', device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      await session.write(0, 0x080a0000, new Uint8Array(4096).fill(0x5a), { erase: true });
      await dfu.leave(device.deviceId, ctx);
    });
    expect(device.mode).toBe('safe');
    const summary = await h.devices.summary(device.deviceId);
    expect(summary.mode).toBe('safe');
  });

  it('setHealth and setBusy show in the summary', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    h.devices.setHealth(device.deviceId, 'attention');
    h.devices.setBusy(device.deviceId, true);
    expect(await h.devices.summary(device.deviceId)).toMatchObject({ health: 'attention', busy: true });
  });

  it('find and waitFor fail with typed errors and advice, never hang', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const missing = await h.devices.find('ffffffffffffffffffffffff').catch((e: unknown) => e);
    expect(RescueError.is(missing, 'DEVICE_NOT_FOUND')).toBe(true);
    expect((missing as RescueError).fix).toMatch(/cable/);
    const stuck = await h.devices.waitFor(device.deviceId, 'dfu', { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(RescueError.is(stuck, 'TIMEOUT')).toBe(true);
    const gone = await h.devices.waitFor('ffffffffffffffffffffffff', 'normal', { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(RescueError.is(gone, 'DEVICE_NOT_FOUND')).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(h.devices.waitFor(device.deviceId, 'dfu', { timeoutMs: 60_000, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('the control client answers the recovery requests on a normal-mode device', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const control = h.devices.control(await h.devices.find(device.deviceId));
    expect(await control.deviceId()).toBe(device.deviceId);
    expect(await control.systemVersion()).toBe(device.systemVersion);
    expect(await control.deviceMode()).toBe('normal');
    const modules = await control.moduleInfo();
    expect(modules.map((m) => `${m.function}/${m.index}`)).toEqual(expect.arrayContaining(['bootloader/0', 'systemPart/1', 'systemPart/2', 'userPart/1']));
    expect(modules.every((m) => m.valid)).toBe(true);
    expect(['disconnected', 'connecting', 'connected']).toContain(await control.cloudStatus());
    await control.enterListening();
    expect(await control.deviceMode()).toBe('listening');
  });
});
