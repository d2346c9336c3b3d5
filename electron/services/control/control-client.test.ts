import { describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import type { UsbControlSetup, UsbDeviceLike, UsbInResult, UsbOutResult } from '../usb/webusb';
import { ControlClient, CHECK_INTERVALS_MS } from './control-client';
import { encodeServiceReply, parseServiceReply, ServiceStatus } from './service-reply';
import { encodeRequest } from './messages';
import DeviceOSProtobuf from '@particle/device-os-protobuf';

/** Just enough of the device side of the service framing to exercise the host algorithm. */
class FramingDevice {
  opened = false;
  readonly log: string[] = [];
  busyInits = 0;
  pendingInit = 0;
  pendingChecks = 0;
  checkStatus: number = ServiceStatus.OK;
  result = 0;
  reply = new Uint8Array(0);
  stallInit = false;
  goneAfterInit = false;
  private initSeen = false;
  received: number[] = [];
  lastOut: { setup: UsbControlSetup; length: number } | null = null;
  private nextId = 7;

  asUsb(): UsbDeviceLike {
    return {
      vendorId: 0x2b04,
      productId: 0xc006,
      serialNumber: '0123456789abcdef01234567',
      get opened() {
        return true;
      },
      configurations: [],
      open: async () => undefined,
      close: async () => undefined,
      selectConfiguration: async () => undefined,
      claimInterface: async () => undefined,
      releaseInterface: async () => undefined,
      selectAlternateInterface: async () => undefined,
      controlTransferIn: async (setup, length) => this.in(setup, length),
      controlTransferOut: async (setup, data) => this.out(setup, data),
    };
  }

  private in(setup: UsbControlSetup, length: number): UsbInResult {
    if (this.goneAfterInit && this.initSeen) throw new DOMException('The device was disconnected.', 'NotFoundError');
    if (setup.request === 1) this.initSeen = true;
    const name = ['', 'INIT', 'CHECK', 'SEND', 'RECV', 'RESET'][setup.request] ?? `0x${setup.request.toString(16)}`;
    this.log.push(`${name}:${setup.index}`);
    const answer = (bytes: Uint8Array): UsbInResult => ({ status: 'ok', data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    if (setup.request === 0x50) {
      if (setup.index === 30) return answer(new TextEncoder().encode('1.5.2\0'));
      return { status: 'stall' };
    }
    if (length < 64 && setup.request !== 4) return { status: 'stall' };
    switch (setup.request) {
      case 1:
        if (this.stallInit) return { status: 'stall' };
        if (this.busyInits > 0) {
          this.busyInits--;
          return answer(encodeServiceReply({ status: ServiceStatus.BUSY }));
        }
        return answer(encodeServiceReply({ status: this.pendingInit > 0 ? ServiceStatus.PENDING : ServiceStatus.OK, id: this.nextId }));
      case 2:
        if (this.pendingInit > 0) {
          this.pendingInit--;
          return answer(encodeServiceReply({ status: this.pendingInit > 0 ? ServiceStatus.PENDING : ServiceStatus.OK }));
        }
        if (this.pendingChecks > 0) {
          this.pendingChecks--;
          return answer(encodeServiceReply({ status: ServiceStatus.PENDING }));
        }
        if (this.checkStatus !== ServiceStatus.OK) return answer(encodeServiceReply({ status: this.checkStatus }));
        return answer(encodeServiceReply({ status: ServiceStatus.OK, result: this.result, ...(this.reply.length ? { size: this.reply.length } : {}) }));
      case 4: {
        const offset = this.received.length === 0 ? 0 : this.received.reduce((a, b) => a + b, 0);
        this.received.push(length);
        return answer(this.reply.slice(offset, offset + length));
      }
      case 5:
        return answer(encodeServiceReply({ status: ServiceStatus.OK }));
      default:
        return { status: 'stall' };
    }
  }

  private out(setup: UsbControlSetup, data?: BufferSource): UsbOutResult {
    const length = data ? (data as Uint8Array).byteLength : 0;
    this.log.push(`OUT${setup.request.toString(16)}:${setup.index}:${length}`);
    this.lastOut = { setup, length };
    return { status: 'ok', bytesWritten: length };
  }
}

function client(device: FramingDevice, platformId = 6, sleeps: number[] = []): ControlClient {
  return new ControlClient(device.asUsb(), {
    platformId,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('service reply encoding', () => {
  it('round-trips every optional field, result signed', () => {
    const bytes = encodeServiceReply({ status: 2, id: 513, size: 70000, result: -1801 });
    expect(parseServiceReply(new DataView(bytes.buffer))).toEqual({ status: 2, id: 513, size: 70000, result: -1801 });
    expect(parseServiceReply(new DataView(encodeServiceReply({ status: 0 }).buffer))).toEqual({ status: 0 });
  });

  it('rejects a reply without the mandatory status flag or cut short', () => {
    expect(parseServiceReply(new DataView(new Uint8Array(8).buffer))).toBeNull();
    expect(parseServiceReply(new DataView(encodeServiceReply({ status: 0, id: 1, size: 4 }).slice(0, 9).buffer))).toBeNull();
  });
});

describe('ControlClient framing', () => {
  it('opens with RESET-all, then INIT → CHECK → RECV and decodes the protobuf reply', async () => {
    const device = new FramingDevice();
    const reply = DeviceOSProtobuf.encode('GetDeviceModeReply', { mode: 1 });
    device.reply = new Uint8Array(reply);
    const mode = await client(device).deviceMode();
    expect(mode).toBe('listening');
    expect(device.log).toEqual(['RESET:0', 'INIT:72', 'CHECK:7', 'RECV:7']);
  });

  it('an empty reply is all defaults (NORMAL_MODE)', async () => {
    const device = new FramingDevice();
    expect(await client(device).deviceMode()).toBe('normal');
  });

  it('polls CHECK with the particle-usb back-off while the device is PENDING', async () => {
    const device = new FramingDevice();
    device.pendingChecks = 11;
    const sleeps: number[] = [];
    await client(device, 6, sleeps).enterDfu();
    expect(sleeps).toEqual([...CHECK_INTERVALS_MS, 1000, 1000]);
  });

  it('retries INIT while the device is BUSY, and waits for a PENDING INIT before SEND', async () => {
    const device = new FramingDevice();
    device.busyInits = 2;
    device.pendingInit = 2;
    const c = client(device);
    await c.request(1, 'echo', new Uint8Array([1, 2, 3]));
    expect(device.log.filter((l) => l.startsWith('INIT'))).toHaveLength(3);
    const send = device.log.findIndex((l) => l.startsWith('OUT3'));
    const lastInitCheck = device.log.lastIndexOf('CHECK:7', send);
    expect(send).toBeGreaterThan(lastInitCheck);
    expect(device.log[send]).toBe('OUT3:7:3');
  });

  it('sends large payloads in 4096-byte chunks and reads large replies in chunks', async () => {
    const device = new FramingDevice();
    device.reply = new Uint8Array(5000).map((_, i) => i & 0xff);
    const out = await client(device).request(1, 'echo', new Uint8Array(9000));
    expect(device.log.filter((l) => l.startsWith('OUT3'))).toEqual(['OUT3:7:4096', 'OUT3:7:4096', 'OUT3:7:808']);
    expect(device.received).toEqual([4096, 904]);
    expect(out.data).toEqual(device.reply);
  });

  it('maps result codes to typed errors', async () => {
    const device = new FramingDevice();
    device.result = -120;
    await expect(client(device).enterSafeMode()).rejects.toMatchObject({ code: 'CONTROL_NOT_SUPPORTED' });
    device.result = -130;
    await expect(client(device).enterSafeMode()).rejects.toMatchObject({ code: 'CONTROL_REQUEST_FAILED', details: { resultName: 'NOT_ALLOWED' } });
    device.result = -1801;
    await expect(client(device).enterSafeMode()).rejects.toMatchObject({ code: 'DEVICE_PROTECTED' });
  });

  it('a stalled INIT means the firmware has no control requests', async () => {
    const device = new FramingDevice();
    device.stallInit = true;
    await expect(client(device).enterDfu()).rejects.toMatchObject({ code: 'CONTROL_NOT_SUPPORTED' });
  });

  it('a request the device dropped (NOT_FOUND) fails and is reset', async () => {
    const device = new FramingDevice();
    device.checkStatus = ServiceStatus.NOT_FOUND;
    await expect(client(device).enterDfu()).rejects.toMatchObject({ code: 'CONTROL_REQUEST_FAILED' });
    expect(device.log.at(-1)).toBe('RESET:7');
  });

  it('times out after the budget (counted in back-off time) and RESETs the request', async () => {
    const device = new FramingDevice();
    device.pendingChecks = Number.POSITIVE_INFINITY;
    const c = client(device);
    const error = await c.enterDfu({ timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(RescueError.is(error, 'TIMEOUT')).toBe(true);
    expect(device.log.at(-1)).toBe('RESET:7');
  });

  it('cancellation stops polling and RESETs the request', async () => {
    const device = new FramingDevice();
    device.pendingChecks = Number.POSITIVE_INFINITY;
    const controller = new AbortController();
    const c = new ControlClient(device.asUsb(), {
      platformId: 6,
      sleep: async () => {
        controller.abort();
      },
    });
    await expect(c.enterDfu({ signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(device.log.at(-1)).toBe('RESET:7');
  });

  it('a transfer that never completes becomes TIMEOUT, not a hang', async () => {
    const usb = new FramingDevice().asUsb();
    const hanging: UsbDeviceLike = { ...usb, opened: true, controlTransferIn: () => new Promise<UsbInResult>(() => undefined) };
    const c = new ControlClient(hanging, { platformId: 6, transferTimeoutMs: 20 });
    await expect(c.enterDfu()).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('a device that reboots right after accepting reset/DFU/safe mode has done what was asked', async () => {
    for (const call of [(c: ControlClient) => c.enterDfu(), (c: ControlClient) => c.enterSafeMode(), (c: ControlClient) => c.reset()]) {
      const device = new FramingDevice();
      device.goneAfterInit = true;
      await expect(call(client(device))).resolves.toBeUndefined();
    }
    const device = new FramingDevice();
    device.goneAfterInit = true;
    await expect(client(device).deviceMode()).rejects.toMatchObject({ code: 'DEVICE_GONE' });
  });

  it('an unplugged device becomes DEVICE_GONE', async () => {
    const usb = new FramingDevice().asUsb();
    const gone: UsbDeviceLike = {
      ...usb,
      opened: true,
      controlTransferIn: async () => {
        throw Object.assign(new Error('The device was disconnected.'), { name: 'NotFoundError' });
      },
    };
    await expect(new ControlClient(gone, { platformId: 6 }).enterDfu()).rejects.toMatchObject({ code: 'DEVICE_GONE' });
  });
});

describe('simple 0x50 requests', () => {
  it('reads the system version as text and strips NULs', async () => {
    expect(await client(new FramingDevice()).systemVersion()).toBe('1.5.2');
  });

  it('forced reset has no data stage on a Photon, one dummy byte on a P2', async () => {
    const photon = new FramingDevice();
    await client(photon, 6).reset({ force: true });
    expect(photon.lastOut).toMatchObject({ setup: { request: 0x50, index: 40 }, length: 0 });
    const p2 = new FramingDevice();
    await client(p2, 32).reset({ force: true });
    expect(p2.lastOut).toMatchObject({ setup: { request: 0x50, index: 40 }, length: 1 });
  });
});

describe('protobuf payloads', () => {
  it('encodes requests with no fields as zero bytes', () => {
    expect(encodeRequest('GetModuleInfoRequest')).toHaveLength(0);
  });

  it('decodes module info in the legacy and the new format', async () => {
    const legacy = new FramingDevice();
    legacy.reply = new Uint8Array(
      DeviceOSProtobuf.encode('GetModuleInfoReply', {
        modulesDeprecated: [
          { type: 2, index: 1, version: 1512, size: 262144, validity: 0 },
          { type: 3, index: 1, version: 6, size: 4000, validity: 2, dependencies: [{ type: 2, index: 2, version: 2300 }] },
        ],
      }),
    );
    const modules = await client(legacy).moduleInfo();
    expect(modules).toEqual([
      { function: 'systemPart', index: 1, version: 1512, size: 262144, failedChecks: 0, valid: true, store: 'main', dependencies: [] },
      { function: 'userPart', index: 1, version: 6, size: 4000, failedChecks: 4, valid: false, store: 'main', dependencies: [{ function: 'systemPart', index: 2, version: 2300 }] },
    ]);
    const current = new FramingDevice();
    current.reply = new Uint8Array(
      DeviceOSProtobuf.encode('GetModuleInfoReply', { modules: [{ type: 5, index: 1, version: 6, store: 1, checkedFlags: 0x0e, passedFlags: 0x0a }] }),
    );
    expect(await client(current).moduleInfo()).toEqual([
      { function: 'userPart', index: 1, version: 6, size: 0, failedChecks: 4, valid: false, store: 'factory', dependencies: [] },
    ]);
  });

  it('decodes cloud status', async () => {
    const device = new FramingDevice();
    device.reply = new Uint8Array(DeviceOSProtobuf.encode('cloud.GetConnectionStatusReply', { status: 2 }));
    expect(await client(device).cloudStatus()).toBe('connected');
  });
});
