import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../../lab/device-lab';
import type { VirtualParticleDevice } from '../../lab/device/virtual-particle-device';
import type { UsbControlSetup, UsbDeviceLike, UsbInResult } from '../usb/webusb';
import { DfuSession, MAX_POLL_SLEEP_MS } from './dfu-session';

/**
 * Host fixes found by modelling DfuSe independently: the lab device is real, a thin wrapper around
 * its USB face records what the host sends and can rewrite what GETSTATUS answers.
 */
const labs: DeviceLab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.close();
});

const GETSTATUS = 3;
const DNLOAD = 1;
const USER_PART = 0x080a0000;

interface Sent {
  request: number;
  block: number;
  data: Uint8Array;
}

type StatusRewrite = (reply: Uint8Array, index: number) => Uint8Array | 'stall';

/** The device's USB with every OUT recorded and GETSTATUS replies passed through `rewrite`. */
function wrap(usb: UsbDeviceLike, sent: Sent[], rewrite: { fn: StatusRewrite | null }): UsbDeviceLike {
  let statusIndex = 0;
  return new Proxy(usb, {
    get(target, key, receiver) {
      if (key === 'controlTransferOut') {
        return async (setup: UsbControlSetup, data?: BufferSource) => {
          const bytes = data ? new Uint8Array(ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data) : new Uint8Array(0);
          if (setup.requestType === 'class') sent.push({ request: setup.request, block: setup.value, data: bytes });
          return target.controlTransferOut(setup, data);
        };
      }
      if (key === 'controlTransferIn') {
        return async (setup: UsbControlSetup, length: number): Promise<UsbInResult> => {
          const result = await target.controlTransferIn(setup, length);
          if (setup.requestType !== 'class' || setup.request !== GETSTATUS || !rewrite.fn || result.status !== 'ok' || !result.data) return result;
          const reply = rewrite.fn(new Uint8Array(result.data.buffer.slice(result.data.byteOffset, result.data.byteOffset + result.data.byteLength)), statusIndex++);
          if (reply === 'stall') return { status: 'stall' };
          return { status: 'ok', data: new DataView(reply.buffer) };
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function dfuDevice(): Promise<VirtualParticleDevice> {
  const lab = new DeviceLab({ timing: 'fast', seed: 1 });
  labs.push(lab);
  const device = await lab.attach('photon-healthy');
  await device.pressButtons('dfu');
  return device;
}

async function open(device: VirtualParticleDevice, sleeps: number[], rewrite: { fn: StatusRewrite | null }, sent: Sent[] = []) {
  const usb = wrap(device.usb!, sent, rewrite);
  const session = await DfuSession.open(
    { deviceId: device.deviceId, platformId: 6, usbMode: 'dfu', usb, virtual: true, scenario: null },
    { sleep: async (ms) => void sleeps.push(ms), retry: { attempts: 3, delayMs: 0 } },
  );
  return { session, sent };
}

const data = Uint8Array.from({ length: 8192 }, (_, i) => (i * 13 + 5) & 0xff);
const commands = (sent: Sent[], command: number) => sent.filter((s) => s.request === DNLOAD && s.block === 0 && s.data[0] === command).map((s) => new DataView(s.data.buffer).getUint32(1, true));

describe('DFU host: poll sleeps', () => {
  it('a device reporting bwPollTimeout 0xFFFFFF while busy gets capped sleeps, and the write still completes', async () => {
    const device = await dfuDevice();
    const sleeps: number[] = [];
    const rewrite = { fn: ((reply: Uint8Array) => (reply[4] === 4 ? Uint8Array.of(reply[0], 0xff, 0xff, 0xff, reply[4], reply[5]) : reply)) as StatusRewrite };
    const { session } = await open(device, sleeps, rewrite);
    await session.write(0, USER_PART, data, { erase: true });
    expect(sleeps.length).toBeGreaterThan(0);
    expect(Math.max(...sleeps)).toBe(MAX_POLL_SLEEP_MS);
    expect(device.readFlash(USER_PART, data.length)).toEqual(data);
  });

  it('a device that stays busy forever ends in TIMEOUT after about a minute of declared waits, not hours', async () => {
    const device = await dfuDevice();
    const sleeps: number[] = [];
    const rewrite: { fn: StatusRewrite | null } = { fn: null };
    const { session, sent } = await open(device, sleeps, rewrite);
    // From the first data block on, every status says dfuDNBUSY with the longest poll timeout.
    rewrite.fn = (reply) => (sent.some((s) => s.request === DNLOAD && s.block === 2) ? Uint8Array.of(0, 0xff, 0xff, 0xff, 4, reply[5]) : reply);
    await expect(session.write(0, USER_PART, data, { erase: true })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const total = sleeps.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(60_000 + 2 * MAX_POLL_SLEEP_MS);
    expect(total).toBeGreaterThan(60_000 - MAX_POLL_SLEEP_MS);
  });
});

describe('DFU host: what counts as a finished block', () => {
  it('dfuIDLE after a data DNLOAD is not a finished block: the block is erased again and rewritten', async () => {
    const device = await dfuDevice();
    const rewrite: { fn: StatusRewrite | null } = { fn: null };
    const { session, sent } = await open(device, [], rewrite);
    let faked = false;
    let afterData = false;
    rewrite.fn = (reply) => {
      // The first status that ends the first data block claims dfuIDLE (the device dropped it).
      const last = sent.at(-1);
      if (last && last.request === DNLOAD && last.block === 2) afterData = true;
      if (!faked && afterData && reply[4] === 5) {
        faked = true;
        return Uint8Array.of(0, 0, 0, 0, 2, 0);
      }
      return reply;
    };
    await session.write(0, USER_PART, data, { erase: true });
    expect(faked).toBe(true);
    // One erase of the sector before the write, one more after the dropped block.
    expect(commands(sent, 0x41)).toEqual([USER_PART, USER_PART]);
    expect(sent.filter((s) => s.request === DNLOAD && s.block === 2).length).toBe(data.length / 4096 + 1);
    expect(device.readFlash(USER_PART, data.length)).toEqual(data);
  });

  it('a device that always drops the block fails the write: never reported as written', async () => {
    const device = await dfuDevice();
    const rewrite: { fn: StatusRewrite | null } = { fn: null };
    const { session, sent } = await open(device, [], rewrite);
    rewrite.fn = (reply) => {
      const last = sent.at(-1);
      return last && last.request === DNLOAD && last.block === 2 && reply[4] === 5 ? Uint8Array.of(0, 0, 0, 0, 2, 0) : reply;
    };
    await expect(session.write(0, USER_PART, data, { erase: true })).rejects.toMatchObject({ code: 'DFU_PROTOCOL' });
  });

  it('a block whose final status was lost is not sent again onto programmed flash without a new erase', async () => {
    const device = await dfuDevice();
    const rewrite: { fn: StatusRewrite | null } = { fn: null };
    const { session, sent } = await open(device, [], rewrite);
    let lost = false;
    rewrite.fn = (reply) => {
      const dataBlocks = sent.filter((s) => s.request === DNLOAD && s.block === 2).length;
      // The second data block was programmed (status back to dfuDNLOAD-IDLE), but its reply is lost.
      if (!lost && dataBlocks === 2 && reply[4] === 5) {
        lost = true;
        return 'stall';
      }
      return reply;
    };
    await session.write(0, USER_PART, data, { erase: true });
    expect(lost).toBe(true);
    const erases = commands(sent, 0x41);
    expect(erases).toEqual([USER_PART, USER_PART]);
    // After the second erase the write starts again at the sector's first byte.
    const addresses = commands(sent, 0x21);
    const secondErase = sent.findLastIndex((s) => s.request === DNLOAD && s.block === 0 && s.data[0] === 0x41);
    const next = sent.slice(secondErase + 1).find((s) => s.request === DNLOAD && s.block === 0 && s.data[0] === 0x21)!;
    expect(new DataView(next.data.buffer).getUint32(1, true)).toBe(USER_PART);
    expect(addresses.length).toBeGreaterThan(data.length / 4096);
    expect(device.readFlash(USER_PART, data.length)).toEqual(data);
  });
});

describe('DFU host: a block with a lost status on flash the caller erased', () => {
  it('is not sent again (no erase was asked for, so the write stops instead of programming twice)', async () => {
    const device = await dfuDevice();
    const rewrite: { fn: StatusRewrite | null } = { fn: null };
    const { session, sent } = await open(device, [], rewrite);
    await session.write(0, USER_PART, new Uint8Array(4096).fill(0xff), { erase: true });
    sent.length = 0;
    rewrite.fn = (reply) => {
      const dataBlocks = sent.filter((s) => s.request === DNLOAD && s.block === 2).length;
      return dataBlocks === 1 && reply[4] === 5 ? 'stall' : reply;
    };
    await expect(session.write(0, USER_PART, data, { erase: false })).rejects.toMatchObject({ code: 'DFU_STALL' });
    expect(sent.filter((s) => s.request === DNLOAD && s.block === 2)).toHaveLength(1);
    expect(commands(sent, 0x41)).toEqual([]);
  });
});

describe('DFU host: leaving', () => {
  it('DfuSe leave points the address at the start of the image just written, then sends the zero-length DNLOAD', async () => {
    const device = await dfuDevice();
    const { session, sent } = await open(device, [], { fn: null });
    await session.write(0, USER_PART + 0x4000, data, { erase: true });
    await session.leave();
    const zero = sent.findIndex((s) => s.request === DNLOAD && s.block === 2 && s.data.length === 0);
    expect(zero).toBeGreaterThan(0);
    const before = sent.slice(0, zero).filter((s) => s.request === DNLOAD && s.block === 0).at(-1)!;
    expect(before.data[0]).toBe(0x21);
    expect(new DataView(before.data.buffer).getUint32(1, true)).toBe(USER_PART + 0x4000);
  });
});
