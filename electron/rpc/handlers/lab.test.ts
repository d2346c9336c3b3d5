import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../../lab';
import { FakeCloud } from '../../lab/test-support/fake-cloud';
import { DeviceSummarySchema } from '../../../shared/domain';
import { LedStateSchema } from '../../../shared/domain/led';
import { labHandlers } from './lab';

const ctx = { transport: 'test' as const };
let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('lab handlers', () => {
  it('lists scenarios, attaches one as a clearly virtual device, shows its LED, presses buttons, detaches', async () => {
    lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
    const h = labHandlers({ lab });
    const { scenarios } = await h['lab.scenarios']({}, ctx);
    expect(scenarios.find((s) => s.name === 'photon-seed')).toMatchObject({ platformId: 6 });
    const { device } = await h['lab.attach']({ scenario: 'photon-healthy', timing: 'fast' }, ctx);
    expect(DeviceSummarySchema.parse(device)).toMatchObject({ platformId: 6, platformName: 'Photon', mode: 'normal', usbMode: 'normal', virtual: true, scenario: 'photon-healthy', deviceOsVersion: '2.3.1' });
    expect(LedStateSchema.parse(await h['lab.led']({ deviceId: device.deviceId }, ctx)).pattern).toMatch(/blink|breathe/);
    expect(await h['lab.pressButtons']({ deviceId: device.deviceId, hold: 'dfu' }, ctx)).toEqual({ pressed: true });
    expect((await h['lab.led']({ deviceId: device.deviceId }, ctx)).patternId).toBe('blinking-yellow');
    expect(await h['lab.detach']({ deviceId: device.deviceId }, ctx)).toEqual({ detached: true });
    expect(await h['lab.detach']({ deviceId: device.deviceId }, ctx)).toEqual({ detached: false });
  });

  it('prefers the device list summary when a device manager is given', async () => {
    lab = new DeviceLab({ timing: 'fast' });
    const listed = { deviceId: '', platformId: 6, platformName: 'Photon', mode: 'normal' as const, usbMode: 'normal' as const, deviceOsVersion: '2.3.1', virtual: true, scenario: 'photon-healthy', health: 'attention' as const, busy: false };
    const h = labHandlers({ lab, devices: { list: async () => lab!.list().map((d) => ({ ...listed, deviceId: d.deviceId })) } });
    const { device } = await h['lab.attach']({ scenario: 'photon-healthy', timing: 'fast' }, ctx);
    expect(device.health).toBe('attention');
  });

  it('answers unknown scenarios and devices with typed errors', async () => {
    lab = new DeviceLab({ timing: 'fast' });
    const h = labHandlers({ lab });
    await expect(h['lab.attach']({ scenario: 'toaster', timing: 'fast' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(Promise.resolve().then(() => h['lab.led']({ deviceId: '0123456789abcdef01234567' }, ctx))).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
  });
});
