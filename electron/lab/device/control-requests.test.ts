import DeviceOSProtobuf from '@particle/device-os-protobuf';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { FakeCloud } from '../test-support/fake-cloud';
import { controlRequest, until, vendorString } from '../test-support/raw-usb';
import type { UsbSourceDevice } from '../../services/usb/usb-source';

const ctrl = DeviceOSProtobuf.definitions;
let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function opened(scenario: string) {
  lab = new DeviceLab({ timing: 'fast', cloud: new FakeCloud() });
  const device = await lab.attach(scenario);
  await until(() => device.cloudOnline || device.led().patternId.includes('burst') || device.mode !== 'normal', 'boot');
  await device.usb!.open();
  return device;
}

const ok = (r: Awaited<ReturnType<typeof controlRequest>>) => {
  if (r === 'stall') throw new Error('stalled');
  return r;
};

describe('control requests on a virtual Photon (Device OS 2.3.1)', () => {
  it('answers device id, system version, device mode, cloud status, module info in protobuf', async () => {
    const device = await opened('photon-healthy');
    const usb = device.usb!;
    expect(ctrl.GetDeviceIdReply.decode(ok(await controlRequest(usb, 20)).data).id).toBe(device.deviceId);
    expect(ctrl.GetSystemVersionReply.decode(ok(await controlRequest(usb, 30)).data).version).toBe('2.3.1');
    const mode = ok(await controlRequest(usb, 72));
    expect(mode.data.length).toBe(0);
    expect(ctrl.cloud.GetConnectionStatusReply.decode(ok(await controlRequest(usb, 300)).data).status).toBe(2);
    const modules = ctrl.GetModuleInfoReply.decode(ok(await controlRequest(usb, 90)).data).modulesDeprecated;
    expect(modules.map((m) => [m.type, m.index, m.version, m.validity])).toEqual([
      [1, 0, 1006, 0],
      [2, 1, 2302, 0],
      [2, 2, 2302, 0],
      [3, 1, 6, 0],
    ]);
    expect(ok(await controlRequest(usb, 4242)).result).toBe(-120);
    expect(await vendorString(usb, 30)).toBe('2.3.1');
    expect(await vendorString(usb, 20)).toBe(device.deviceId);
  });

  it('request 50: replies, then leaves the bus and re-appears with the DFU PID (detach + attach on the source)', async () => {
    const device = await opened('photon-healthy');
    const changes: { kind: string; device: UsbSourceDevice }[] = [];
    lab!.source.onChange((c) => changes.push(c));
    const before = device.enumerations;
    expect(ok(await controlRequest(device.usb!, 50)).result).toBe(0);
    await until(() => device.mode === 'dfu' && device.usb !== null, 'DFU mode');
    expect(device.usb!.productId).toBe(0xd006);
    expect(device.enumerations).toBe(before + 1);
    expect(changes.map((c) => [c.kind, c.device.device.productId])).toEqual([
      ['detach', 0xc006],
      ['attach', 0xd006],
    ]);
    expect(device.led().patternId).toBe('blinking-yellow');
  });

  it('request 60 → safe mode (breathing magenta once connected); 70/72 → listening', async () => {
    const device = await opened('photon-healthy');
    ok(await controlRequest(device.usb!, 60));
    await until(() => device.mode === 'safe' && device.cloudOnline, 'safe mode online');
    expect(device.led().patternId).toBe('breathing-magenta');
    await device.usb!.open();
    ok(await controlRequest(device.usb!, 70));
    expect(device.mode).toBe('listening');
    expect(device.led().patternId).toBe('blinking-blue');
    expect(ctrl.GetDeviceModeReply.decode(ok(await controlRequest(device.usb!, 72)).data).mode).toBe(1);
    ok(await controlRequest(device.usb!, 71));
    await until(() => device.cloudOnline, 'reconnect');
  });
});

describe('photon-old-os (0.6.4): no control requests for reset/DFU', () => {
  it('answers NOT_SUPPORTED to 50 and only reacts to the magic baud rates', async () => {
    const device = await opened('photon-old-os');
    expect(ok(await controlRequest(device.usb!, 50)).result).toBe(-120);
    expect(ok(await controlRequest(device.usb!, 20)).result).toBe(-120);
    expect(await vendorString(device.usb!, 30)).toBe('0.6.4');
    expect(device.mode).toBe('normal');
    await lab!.serialAccess.touchBaud(device.deviceId, 28800);
    expect(device.mode).toBe('listening');
    await lab!.serialAccess.touchBaud(device.deviceId, 14400);
    await until(() => device.mode === 'dfu' && device.usb !== null, 'DFU mode');
    expect(device.usb!.productId).toBe(0xd006);
    await expect(lab!.serialAccess.touchBaud(device.deviceId, 14400)).rejects.toThrow(/no USB serial port/);
  });
});

describe('P2 quirk: OUT requests need a data stage', () => {
  it('a data-less OUT never completes; with one dummy byte it works', async () => {
    const device = await opened('photon-protected');
    const usb = device.usb!;
    const reset = { requestType: 'vendor' as const, recipient: 'device' as const, request: 0x50, value: 0, index: 40 };
    await expect(usb.controlTransferOut(reset)).rejects.toMatchObject({ name: 'NetworkError' });
    expect(device.mode).toBe('normal');
    expect((await usb.controlTransferOut(reset, Uint8Array.of(0))).status).toBe('ok');
  });

  it('reports Device Protection through request 76', async () => {
    const device = await opened('photon-protected');
    expect(ctrl.GetProtectedStateReply.decode(ok(await controlRequest(device.usb!, 76)).data).state).toBe(true);
  });
});
