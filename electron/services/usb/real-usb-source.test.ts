import { describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { CompositeUsbSource } from './composite-usb-source';
import { RealUsbSource, type WebUsbLike } from './real-usb-source';
import { UDEV_RULES_TEXT } from './udev-rule';
import type { UsbSource } from './usb-source';
import type { UsbDeviceLike } from './webusb';

function fakeDevice(productId: number, open: () => Promise<void> = async () => undefined, vendorId = 0x2b04): UsbDeviceLike {
  return {
    vendorId,
    productId,
    serialNumber: '0123456789abcdef01234567',
    opened: false,
    configurations: [],
    open,
    close: async () => undefined,
    selectConfiguration: async () => undefined,
    claimInterface: async () => undefined,
    releaseInterface: async () => undefined,
    selectAlternateInterface: async () => undefined,
    controlTransferIn: async () => ({ status: 'stall' }),
    controlTransferOut: async () => ({ status: 'stall', bytesWritten: 0 }),
  };
}

function fakeWebUsb(devices: UsbDeviceLike[], listeners: string[] = []): WebUsbLike {
  return {
    getDevices: async () => devices,
    addEventListener: (type) => {
      listeners.push(type);
    },
  };
}

describe('RealUsbSource', () => {
  it('on this machine (no /sys/bus/usb) reports USB_UNAVAILABLE as data and lists nothing', async () => {
    const source = new RealUsbSource({ platform: 'linux', hasUsbSubsystem: () => false, loadWebUsb: () => Promise.reject(new Error('must not load')) });
    expect(source.problem()).toMatchObject({ code: 'USB_UNAVAILABLE' });
    const unsubscribe = source.onChange(() => undefined);
    expect(await source.list()).toEqual([]);
    unsubscribe();
  });

  it('the default construction is safe here too: no native listeners, no crash', async () => {
    const source = new RealUsbSource();
    source.onChange(() => undefined);
    expect(await source.list()).toEqual([]);
    expect(source.problem()?.code).toBe('USB_UNAVAILABLE');
  });

  it('lists only Particle and Spark Core ids, and attaches hotplug listeners once the bus exists', async () => {
    const listeners: string[] = [];
    const devices = [fakeDevice(0xc006), fakeDevice(0xd00c), fakeDevice(0x607f, undefined, 0x1d50), fakeDevice(0x1234, undefined, 0x046d), fakeDevice(0xb006)];
    const source = new RealUsbSource({ platform: 'linux', hasUsbSubsystem: () => true, loadWebUsb: async () => fakeWebUsb(devices, listeners) });
    const listed = await source.list();
    expect(listed.map((d) => d.device.productId)).toEqual([0xc006, 0xd00c, 0x607f]);
    expect(listed.every((d) => !d.virtual && d.scenario === null)).toBe(true);
    expect(listeners).toEqual(['connect', 'disconnect']);
    expect(source.problem()).toBeNull();
  });

  it('a permission error on open becomes USB_PERMISSION_DENIED with the udev rule', async () => {
    const device = fakeDevice(0xc006, async () => {
      throw new Error('LIBUSB_ERROR_ACCESS');
    });
    const source = new RealUsbSource({ platform: 'linux', hasUsbSubsystem: () => true, loadWebUsb: async () => fakeWebUsb([device]) });
    const [entry] = await source.list();
    const error = await entry.device.open().catch((e: unknown) => e);
    expect(RescueError.is(error, 'USB_PERMISSION_DENIED')).toBe(true);
    expect((error as RescueError).fix).toContain(UDEV_RULES_TEXT);
    expect(source.problem()?.code).toBe('USB_PERMISSION_DENIED');
    expect(UDEV_RULES_TEXT).toContain('SUBSYSTEMS=="usb", ATTRS{idVendor}=="2b04", ATTRS{idProduct}=="[cd]0??", TAG+="uaccess"');
  });

  it('LIBUSB_ERROR_NOT_SUPPORTED on a DFU device under Windows becomes USB_DRIVER_MISSING (WinUSB / Zadig)', async () => {
    const device = fakeDevice(0xd006, async () => {
      throw new Error('LIBUSB_ERROR_NOT_SUPPORTED');
    });
    const source = new RealUsbSource({ platform: 'win32', loadWebUsb: async () => fakeWebUsb([device]) });
    const [entry] = await source.list();
    const error = await entry.device.open().catch((e: unknown) => e);
    expect(RescueError.is(error, 'USB_DRIVER_MISSING')).toBe(true);
    expect((error as RescueError).fix).toMatch(/Zadig.*WinUSB/);
  });

  it('enumeration failure is reported, not thrown', async () => {
    const source = new RealUsbSource({
      platform: 'linux',
      hasUsbSubsystem: () => true,
      loadWebUsb: async () => ({ getDevices: () => Promise.reject(new Error('getDevices error: /sys/bus/usb/devices/ not found')), addEventListener: () => undefined }),
    });
    expect(await source.list()).toEqual([]);
    expect(source.problem()?.code).toBe('USB_UNAVAILABLE');
  });

  it('never attaches hotplug listeners when enumeration fails', async () => {
    const listeners: string[] = [];
    const source = new RealUsbSource({
      platform: 'linux',
      hasUsbSubsystem: () => true,
      loadWebUsb: async () => ({ getDevices: () => Promise.reject(new Error('LIBUSB_ERROR_OTHER')), addEventListener: (type) => void listeners.push(type) }),
    });
    source.onChange(() => undefined);
    expect(await source.list()).toEqual([]);
    expect(listeners).toEqual([]);
    expect(source.problem()?.code).toBe('USB_UNAVAILABLE');
  });
});

describe('CompositeUsbSource', () => {
  it('merges lists and change streams and keeps the hardware problem visible', async () => {
    const listeners: ((c: { kind: 'attach' | 'detach'; device: { device: UsbDeviceLike; virtual: boolean; scenario: string | null } }) => void)[] = [];
    const lab: UsbSource = {
      list: async () => [{ device: fakeDevice(0xc006), virtual: true, scenario: 'photon-healthy' }],
      onChange: (l) => {
        listeners.push(l);
        return () => undefined;
      },
      problem: () => null,
    };
    const hardware = new RealUsbSource({ platform: 'linux', hasUsbSubsystem: () => false });
    const composite = new CompositeUsbSource([hardware, lab]);
    const seen: string[] = [];
    composite.onChange((c) => seen.push(c.kind));
    listeners[0]({ kind: 'attach', device: { device: fakeDevice(0xc00c), virtual: true, scenario: 'x' } });
    expect(seen).toEqual(['attach']);
    expect((await composite.list()).map((d) => d.scenario)).toEqual(['photon-healthy']);
    expect(composite.problem()?.code).toBe('USB_UNAVAILABLE');
  });
});
