import { afterEach, describe, expect, it } from 'vitest';
import { DeviceLab } from '../device-lab';
import { command, controlRequest, dnloadAndWait, openDfu, until } from '../test-support/raw-usb';
import { FAST, REALISTIC } from './timing';

let lab: DeviceLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('timing profiles', () => {
  it('fast has no delays at all', () => {
    expect([FAST.eraseMs(131072), FAST.programMs(4096), FAST.actionDelayMs, FAST.reenumerateMs, FAST.manifestResetMs, FAST.networkJoinMs, FAST.buttonHoldMs('dfu')]).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('realistic follows the reference: reconnect back-off 1 s ×5, 2 s ×5 … then 128 s', () => {
    expect([0, 4, 5, 9, 10, 30, 35].map(REALISTIC.cloudRetryMs)).toEqual([1000, 1000, 2000, 2000, 4000, 64000, 128000]);
    expect(REALISTIC.buttonHoldMs('safe')).toBeGreaterThanOrEqual(1000);
    expect(REALISTIC.buttonHoldMs('dfu')).toBeGreaterThanOrEqual(3000);
  });

  it('a realistic device asks for the waits a real Photon imposes (recorded through the injected sleep)', async () => {
    const waits: number[] = [];
    lab = new DeviceLab({ timing: 'realistic', sleep: async (ms) => void waits.push(ms) });
    const device = await lab.attach('photon-healthy');
    expect(waits).toContain(2000);
    await device.usb!.open();
    waits.length = 0;
    await controlRequest(device.usb!, 50);
    await until(() => device.mode === 'dfu', 'DFU mode');
    expect(waits.slice(0, 2)).toEqual([1000, 1000]);
    const usb = device.usb!;
    await openDfu(usb, 0);
    waits.length = 0;
    await dnloadAndWait(usb, 0, command(0x41, 0x080a0000));
    // Full-speed USB time of each transfer (DNLOAD 5 bytes, then GETSTATUS replies of 6) plus the erase.
    expect(waits.filter((ms) => ms >= 100)).toEqual([REALISTIC.eraseMs(128 * 1024)]);
    expect(waits.filter((ms) => ms < 100)).toEqual(new Array(waits.length - 1).fill(REALISTIC.usbTransferMs(6)));
    expect(REALISTIC.usbTransferMs(5)).toBeCloseTo(1.1);
  });

  it('full-speed USB transfer time: about 1 ms per control transfer plus 0.1 ms per 64-byte packet', () => {
    expect(REALISTIC.usbTransferMs(0)).toBe(1);
    expect(REALISTIC.usbTransferMs(64)).toBeCloseTo(1.1);
    expect(REALISTIC.usbTransferMs(4096)).toBeCloseTo(7.4);
    expect(FAST.usbTransferMs(4096)).toBe(0);
    expect(FAST.busyPollMs(0)).toBe(1);
    expect(REALISTIC.busyPollMs(85)).toBe(85);
  });
});
