import { afterEach, describe, expect, it } from 'vitest';
import { DeviceListSchema, EnterDfuResultSchema } from '../../../shared/contract/devices';
import { DeviceSummarySchema } from '../../../shared/domain';
import { labHarness, type LabHarness } from '../../services/usb/testing/lab-harness';
import { devicesHandlers } from './devices';

let h: LabHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const ctx = { transport: 'test' as const };

describe('devices handlers on the device lab', () => {
  it('devices.list matches the contract', async () => {
    h = labHarness();
    await h.lab.attach('photon-healthy');
    await h.lab.attach('photon-bad-system');
    const handlers = devicesHandlers(h);
    const list = DeviceListSchema.parse(await handlers['devices.list']({}, ctx));
    expect(list.devices.map((d) => d.mode).sort()).toEqual(['dfu', 'normal']);
    expect(list.usb).toEqual({ available: true, problem: null });
  });

  it('dfu.enter and dfu.leave run as operations, mark the device busy meanwhile, and return contract results', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const handlers = devicesHandlers(h);
    const busySeen: boolean[] = [];
    h.bus.subscribe((event, payload) => {
      if (event === 'devices.changed') busySeen.push(...(payload as { devices: { busy: boolean }[] }).devices.map((d) => d.busy));
    });
    const enter = await handlers['dfu.enter']({ deviceId: device.deviceId }, ctx);
    expect(enter.kind).toBe('enter-dfu');
    const entered = await h.operations.wait(enter.operationId);
    expect(entered.status).toBe('succeeded');
    expect(EnterDfuResultSchema.parse(entered.result).method).toBe('control-request');
    const leave = await handlers['dfu.leave']({ deviceId: device.deviceId }, ctx);
    const left = await h.operations.wait(leave.operationId);
    expect(left.status).toBe('succeeded');
    expect(DeviceSummarySchema.parse((left.result as { device: unknown }).device).usbMode).toBe('normal');
    expect(busySeen).toContain(true);
    expect(h.devices.isBusy(device.deviceId)).toBe(false);
  });

  it('an unknown device fails the operation with DEVICE_NOT_FOUND', async () => {
    h = labHarness();
    const handlers = devicesHandlers(h);
    const ref = await handlers['dfu.enter']({ deviceId: '0123456789abcdef01234567' }, ctx);
    const finished = await h.operations.wait(ref.operationId);
    expect(finished).toMatchObject({ status: 'failed', error: { code: 'DEVICE_NOT_FOUND' } });
  });
});
