import { afterEach, describe, expect, it } from 'vitest';
import { DeviceListSchema, EnterDfuResultSchema } from '../../../shared/contract/devices';
import { DeviceSummarySchema } from '../../../shared/domain';
import { OperationLog } from '../../services/operations/operation-log';
import { ControlClient } from '../../services/control/control-client';
import { DeviceManager, LIST_MAX_AGE_MS } from '../../services/usb/device-manager';
import { labHarness, type LabHarness } from '../../services/usb/testing/lab-harness';
import type { UsbSource, UsbSourceDevice } from '../../services/usb/usb-source';
import type { UsbDeviceLike } from '../../services/usb/webusb';
import { createDispatcher } from '../dispatcher';
import type { HandlerMap } from '../handler-types';
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

/** The lab's USB source, counting every enumeration and every control transfer that reaches a device. */
function countingSource(inner: UsbSource) {
  const counts = { lists: 0, transfers: 0 };
  const wrapped = new WeakMap<UsbDeviceLike, UsbDeviceLike>();
  const wrap = (entry: UsbSourceDevice): UsbSourceDevice => {
    let device = wrapped.get(entry.device);
    if (!device) {
      device = new Proxy(entry.device, {
        get(target, key) {
          const value = Reflect.get(target, key) as unknown;
          if (key === 'controlTransferIn' || key === 'controlTransferOut') {
            return (...args: unknown[]) => {
              counts.transfers += 1;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      wrapped.set(entry.device, device);
    }
    return { ...entry, device };
  };
  const source: UsbSource = {
    list: async () => {
      counts.lists += 1;
      return (await inner.list()).map(wrap);
    },
    onChange: (listener) => inner.onChange((change) => listener({ kind: change.kind, device: wrap(change.device) })),
    problem: () => inner.problem(),
  };
  return { source, counts };
}

describe('devices.list answers from the device manager\'s state', () => {
  function setup() {
    h = labHarness();
    const { source, counts } = countingSource(h.lab.source);
    const clock = { now: 1_000_000 };
    const devices = new DeviceManager({ sources: [source], serial: h.lab.serialAccess, opLog: new OperationLog(null), now: () => clock.now });
    const handlers = devicesHandlers({ devices, dfu: h.dfu, operations: h.operations });
    const dispatch = createDispatcher(handlers as unknown as HandlerMap, { readOnly: false, validateOutput: true });
    const list = async () => {
      const reply = await dispatch('devices.list', {}, ctx);
      if (!reply.ok) throw new Error(reply.error.message);
      return DeviceListSchema.parse(reply.value).devices;
    };
    return { harness: h, source, devices, counts, clock, list, dispatch };
  }

  it('a flood of 10,000 calls is answered in full and probes USB once', async () => {
    const { harness, source, devices, counts, dispatch } = setup();
    const device = await harness.lab.attach('photon-healthy');
    const replies = await Promise.all(Array.from({ length: 10_000 }, () => dispatch('devices.list', {}, ctx)));
    expect(replies.filter((r) => r.ok && (r.value as { devices: { deviceId: string }[] }).devices[0]?.deviceId === device.deviceId)).toHaveLength(10_000);
    expect(counts.lists).toBe(1);
    const flood = counts.transfers;
    await Promise.all(Array.from({ length: 1000 }, () => dispatch('devices.list', {}, ctx)));
    expect(counts).toEqual({ lists: 1, transfers: flood });
    // What one listing by a manager that never saw the device costs: the whole flood cost exactly that.
    const other = new DeviceManager({ sources: [source], serial: harness.lab.serialAccess, opLog: new OperationLog(null) });
    await other.list();
    expect(counts.transfers - flood).toBeGreaterThan(0);
    expect(flood).toBe(counts.transfers - flood);
    other.close();
    devices.close();
  });

  it('a device plugged in or unplugged shows at the next call, never a stale list', async () => {
    const { harness, devices, list } = setup();
    expect(await list()).toEqual([]);
    const first = await harness.lab.attach('photon-healthy');
    expect((await list()).map((d) => d.deviceId)).toEqual([first.deviceId]);
    const second = await harness.lab.attach('argon-seed');
    expect((await list()).map((d) => d.deviceId).sort()).toEqual([first.deviceId, second.deviceId].sort());
    await harness.lab.detach(first.deviceId);
    expect((await list()).map((d) => d.deviceId)).toEqual([second.deviceId]);
    devices.close();
  });

  it('a mode change without re-enumeration is seen once the list is older than its age limit', async () => {
    const { harness, devices, counts, clock, list } = setup();
    const device = await harness.lab.attach('photon-healthy');
    expect((await list())[0].mode).toBe('normal');
    const attached = await devices.find(device.deviceId);
    await new ControlClient(attached.usb, { platformId: attached.platformId }).enterListening();
    const listsBefore = counts.lists;
    clock.now += LIST_MAX_AGE_MS - 1;
    expect((await list())[0].mode).toBe('normal');
    expect(counts.lists).toBe(listsBefore);
    clock.now += 1;
    expect((await list())[0].mode).toBe('listening');
    expect(counts.lists).toBe(listsBefore + 1);
    devices.close();
  });

  it('busy and health are current in every answer without probing again', async () => {
    const { harness, devices, counts, list } = setup();
    const device = await harness.lab.attach('photon-healthy');
    await list();
    const before = { ...counts };
    devices.setHealth(device.deviceId, 'attention');
    devices.setBusy(device.deviceId, true);
    expect((await list())[0]).toMatchObject({ health: 'attention', busy: true });
    devices.setBusy(device.deviceId, false);
    expect((await list())[0]).toMatchObject({ health: 'attention', busy: false });
    expect(counts).toEqual(before);
    devices.close();
  });
});
