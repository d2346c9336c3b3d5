import { afterEach, describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { labHarness, type LabHarness } from '../usb/testing/lab-harness';
import { DfuService } from './dfu-service';
import { realSleep } from '../usb/sleep';
import { DeviceManager } from '../usb/device-manager';
import type { UsbDeviceLike } from '../usb/webusb';
import { OperationLog } from '../operations/operation-log';
import { OperationRunner } from '../operations/operation-runner';

let h: LabHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const K = 1024;

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('DfuService.enterDfu on the device lab', () => {
  it('normal mode → DFU by control request', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu } = h;
    const result = await h.operations.run('enter-dfu', device.deviceId, (ctx) => dfu.enterDfu(device.deviceId, ctx));
    expect(result.method).toBe('control-request');
    expect(result.device).toMatchObject({ mode: 'dfu', usbMode: 'dfu', deviceId: device.deviceId });
    expect(device.mode).toBe('dfu');
    const again = await h.operations.run('enter-dfu', device.deviceId, (ctx) => dfu.enterDfu(device.deviceId, ctx));
    expect(again.method).toBe('already');
  });

  it('with real timers the device may vanish before the reply is collected: still the control-request route', async () => {
    h = labHarness({ sleep: realSleep });
    const device = await h.lab.attach('photon-healthy');
    const { dfu } = h;
    const result = await h.operations.run('enter-dfu', device.deviceId, (ctx) => dfu.enterDfu(device.deviceId, ctx));
    expect(result.method).toBe('control-request');
  });

  it('old Device OS (0.6.4) → DFU by the 14400-baud trick', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-old-os');
    const { dfu } = h;
    const result = await h.operations.run('enter-dfu', device.deviceId, (ctx) => dfu.enterDfu(device.deviceId, ctx));
    expect(result.method).toBe('serial-baud');
    expect(device.mode).toBe('dfu');
  });

  /** photon-old-os answers request 50 with NOT_SUPPORTED; with its serial port refused too, only the buttons are left. */
  function buttonsOnly(harness: LabHarness): DfuService {
    const serial = { ...harness.lab.serialAccess, touchBaud: () => Promise.reject(new Error('no serial port')) };
    return new DfuService({ devices: harness.devices, serial, opLog: harness.opLog });
  }

  it('no automatic route → guided buttons; the simulated press is seen while enterDfu waits', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-old-os');
    const service = buttonsOnly(h);
    const messages: string[] = [];
    h.bus.subscribe((event, payload) => {
      const p = payload as { phase: string; message: string };
      if (event === 'operations.progress' && p.phase === 'await-buttons') {
        messages.push(p.message);
        void device.pressButtons('dfu');
      }
    });
    const result = await h.operations.run('enter-dfu', device.deviceId, (ctx) => service.enterDfu(device.deviceId, ctx, { timeoutMs: 30_000 }));
    expect(result.method).toBe('buttons');
    expect(result.device.mode).toBe('dfu');
    expect(device.mode).toBe('dfu');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/hold SETUP, tap RESET .* blinks yellow: release SETUP/);
  });

  it('buttons never pressed → TIMEOUT with advice, bounded', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-old-os');
    const service = buttonsOnly(h);
    const phases: string[] = [];
    h.bus.subscribe((event, payload) => {
      if (event === 'operations.progress') phases.push((payload as { phase: string }).phase);
    });
    const error = await h.operations.run('enter-dfu', device.deviceId, (ctx) => service.enterDfu(device.deviceId, ctx, { timeoutMs: 3000 })).catch((e: unknown) => e);
    expect(phases.at(-1)).toBe('await-buttons');
    expect(RescueError.is(error, 'TIMEOUT')).toBe(true);
    expect((error as RescueError).fix).toMatch(/hold SETUP, tap RESET/);
    expect(device.mode).toBe('normal');
  });

  it('cancelling while waiting for the buttons ends the operation as cancelled', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-old-os');
    const service = buttonsOnly(h);
    const { operations } = h;
    h.bus.subscribe((event, payload) => {
      const p = payload as { phase: string; operationId: string };
      if (event === 'operations.progress' && p.phase === 'await-buttons') operations.cancel(p.operationId);
    });
    await expect(operations.run('enter-dfu', device.deviceId, (ctx) => service.enterDfu(device.deviceId, ctx))).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('unsupported platforms', () => {
  it('a Spark Core is listed as not supported and refused with WRONG_PLATFORM', async () => {
    const core = {
      vendorId: 0x1d50,
      productId: 0x607f,
      serialNumber: '0123456789abcdef01234567',
      opened: false,
      configurations: [],
    } as unknown as UsbDeviceLike;
    const source = { list: async () => [{ device: core, virtual: false, scenario: null }], onChange: () => () => undefined, problem: () => null };
    const opLog = new OperationLog(null);
    const serial = { locate: async () => null, touchBaud: async () => undefined };
    const devices = new DeviceManager({ sources: source, serial, opLog });
    expect(await devices.list()).toEqual([expect.objectContaining({ platformId: 0, platformName: 'Spark Core (not supported)', mode: 'dfu' })]);
    const service = new DfuService({ devices, serial, opLog });
    const operations = new OperationRunner(null, opLog);
    await expect(operations.run('enter-dfu', core.serialNumber!, (ctx) => service.enterDfu(core.serialNumber!, ctx))).rejects.toMatchObject({ code: 'WRONG_PLATFORM' });
    await expect(operations.run('flash', core.serialNumber!, (ctx) => service.openSession(core.serialNumber!, ctx))).rejects.toMatchObject({ code: 'WRONG_PLATFORM' });
  });
});

describe('DfuSession on the device lab', () => {
  it('writes a 128 KB user part at 0x080A0000 on a Photon, reads it back identical, leaves to normal mode', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const image = pattern(128 * K, 7);
    const { dfu } = h;
    const phases = new Set<string>();
    const back = await h.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      expect(session.transferSize).toBe(4096);
      expect(session.alts()).toEqual([0, 1]);
      expect(session.isProtected).toBe(false);
      await session.write(0, 0x080a0000, image, { erase: true, onProgress: (p) => phases.add(p.phase) });
      await session.verify(0, 0x080a0000, image, (p) => phases.add(p.phase));
      const read = await session.read(0, 0x080a0000, image.length, (p) => phases.add(p.phase));
      const same = await dfu.openSession(device.deviceId, ctx);
      expect(same).toBe(session);
      const enumerationsBefore = device.enumerations;
      const summary = await dfu.leave(device.deviceId, ctx);
      expect(summary.usbMode).toBe('normal');
      expect(device.enumerations).toBe(enumerationsBefore + 1);
      return read;
    });
    expect(Buffer.from(back).equals(Buffer.from(image))).toBe(true);
    expect(Buffer.from(device.readFlash(0x080a0000, image.length)).equals(Buffer.from(image))).toBe(true);
    expect([...phases].sort()).toEqual(['download', 'erase', 'upload', 'verify']);
    expect(device.mode).not.toBe('dfu');
    expect((await h.devices.summary(device.deviceId)).usbMode).toBe('normal');
  });

  it('with realistic device delays (erase times, 1 s before acting, re-enumeration, manifest countdown) the same round trip works', async () => {
    h = labHarness({ timing: 'realistic', sleep: realSleep });
    const device = await h.lab.attach('photon-healthy', { timing: 'realistic' });
    const image = pattern(8 * K, 11);
    const { dfu } = h;
    await h.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      await session.write(0, 0x080c0000, image, { erase: true });
      await session.verify(0, 0x080c0000, image);
      expect((await dfu.leave(device.deviceId, ctx)).usbMode).toBe('normal');
    });
    expect(Buffer.from(device.readFlash(0x080c0000, image.length)).equals(Buffer.from(image))).toBe(true);
  });

  it('one session serves several steps in a row: read DCT, write a slot without erase, flash a module', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-healthy');
    const { dfu } = h;
    await h.operations.run('repair-keys', device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      const dct = await session.read(1, 0, 0x4000);
      expect(Buffer.from(dct.subarray(0, 8391)).equals(Buffer.from(device.dctBytes().subarray(0, 8391)))).toBe(true);
      const slot = pattern(32, 3);
      await session.write(1, 1762, slot, { erase: false });
      await session.verify(1, 1762, slot);
      expect(Buffer.from(device.dctBytes().subarray(1762, 1794)).equals(Buffer.from(slot))).toBe(true);
      await session.write(0, 0x080c0000, pattern(10_000, 9), { erase: true });
      // Two callers at once are queued on the one interface, not interleaved.
      const [ota, dctAgain] = await Promise.all([session.read(0, 0x080c0000, 10_000), session.read(1, 1762, 32)]);
      expect(Buffer.from(ota).equals(Buffer.from(pattern(10_000, 9)))).toBe(true);
      expect(Buffer.from(dctAgain).equals(Buffer.from(slot))).toBe(true);
      expect((await dfu.openSession(device.deviceId, ctx)) === session).toBe(true);
      await dfu.leave(device.deviceId, ctx);
    });
  });

  it('refuses the Gen 2 bootloader region and read-only sectors before touching the device', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-bad-system');
    const { dfu } = h;
    await h.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      const before = session.transferCount;
      for (const address of [0x08000000, 0x0800c000, 0x08010000]) {
        const error = await session.write(0, address, new Uint8Array(16), { erase: true }).catch((e: unknown) => e);
        expect(RescueError.is(error, 'REGION_NOT_WRITABLE')).toBe(true);
      }
      await expect(session.write(0, 0x08100000, new Uint8Array(16), { erase: true })).rejects.toMatchObject({ code: 'REGION_NOT_WRITABLE' });
      await expect(session.read(0, 0x080fff00, 0x200)).rejects.toMatchObject({ code: 'REGION_NOT_READABLE' });
      await expect(session.read(7, 0, 16)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(session.transferCount).toBe(before);
    });
  });

  it('a protected device refuses reads and writes with DEVICE_PROTECTED', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-protected');
    const { dfu } = h;
    await h.operations.run('flash', device.deviceId, async (ctx) => {
      const session = await dfu.openSession(device.deviceId, ctx);
      expect(session.isProtected).toBe(true);
      await expect(session.read(1, 0, 64)).rejects.toMatchObject({ code: 'DEVICE_PROTECTED' });
      await expect(session.write(0, 0x08600000, new Uint8Array(64), { erase: true })).rejects.toMatchObject({ code: 'DEVICE_PROTECTED' });
      const back = await dfu.leave(device.deviceId, ctx);
      expect(back.usbMode).toBe('normal');
    });
  });

  it('leave reports a device that comes back in DFU mode (invalid firmware)', async () => {
    h = labHarness();
    const device = await h.lab.attach('photon-bad-system');
    const { dfu } = h;
    const error = await h.operations.run('leave-dfu', device.deviceId, (ctx) => dfu.leave(device.deviceId, ctx, { timeoutMs: 2000 })).catch((e: unknown) => e);
    expect(RescueError.is(error, 'DFU_LEAVE_FAILED')).toBe(true);
    expect((error as RescueError).message).toMatch(/came back in DFU mode/);
    expect(device.mode).toBe('dfu');
  });
});
