import { existsSync } from 'node:fs';
import { RescueError } from '../../../shared/errors';
import { CORE_PRODUCT_IDS, CORE_VENDOR_ID, identifyUsbIds, PARTICLE_VENDOR_ID } from '../../../shared/domain/platforms';
import type { UsbSource, UsbSourceDevice, UsbSourceProblem } from './usb-source';
import type { UsbControlSetup, UsbDeviceLike } from './webusb';
import { classifyTransferError, describeError } from './usb-errors';
import { usbDriverMissing, usbPermissionDenied, usbUnavailable } from './usb-problems';

/** The part of npm `usb`'s WebUSB object this source uses. */
export interface WebUsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (event: { device: UsbDeviceLike }) => void): void;
}

export interface RealUsbSourceOptions {
  platform?: NodeJS.Platform;
  /** Whether the OS exposes a USB bus at all; on Linux without /sys/bus/usb the native layer crashes on hotplug. */
  hasUsbSubsystem?: () => boolean;
  loadWebUsb?: () => Promise<WebUsbLike>;
}

type ChangeListener = Parameters<UsbSource['onChange']>[0];

export function isParticleUsb(vendorId: number, productId: number): boolean {
  if (vendorId === CORE_VENDOR_ID) return productId === CORE_PRODUCT_IDS.normal || productId === CORE_PRODUCT_IDS.dfu;
  return vendorId === PARTICLE_VENDOR_ID && identifyUsbIds(vendorId, productId) !== null;
}

async function loadNodeWebUsb(): Promise<WebUsbLike> {
  // require, not import(): a dynamic import() of a package inside the packaged app.asar fails, while
  // require follows Electron's asar redirection to app.asar.unpacked where the native add-on lives.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WebUSB } = require('usb') as typeof import('usb');
  return new WebUSB({ allowAllDevices: true }) as unknown as WebUsbLike;
}

/**
 * Hardware Particle devices through npm `usb` v3's WebUSB. Every state where hardware cannot be used
 * (no USB subsystem, no permission, wrong Windows driver) is reported by `problem()`, never thrown at
 * the process.
 */
export class RealUsbSource implements UsbSource {
  private readonly platform: NodeJS.Platform;
  private readonly loadWebUsb: () => Promise<WebUsbLike>;
  private currentProblem: UsbSourceProblem | null = null;
  private webusb: Promise<WebUsbLike | null> | null = null;
  private readonly listeners = new Set<ChangeListener>();
  private readonly wrapped = new WeakMap<UsbDeviceLike, HardwareDevice>();

  constructor(options: RealUsbSourceOptions = {}) {
    this.platform = options.platform ?? process.platform;
    this.loadWebUsb = options.loadWebUsb ?? loadNodeWebUsb;
    const hasUsb = options.hasUsbSubsystem ?? (() => this.platform !== 'linux' || existsSync('/sys/bus/usb'));
    if (!hasUsb()) this.currentProblem = usbUnavailable('/sys/bus/usb is missing');
  }

  problem(): UsbSourceProblem | null {
    return this.currentProblem;
  }

  async list(): Promise<UsbSourceDevice[]> {
    const webusb = await this.init();
    if (!webusb) return [];
    let devices: UsbDeviceLike[];
    try {
      devices = await webusb.getDevices();
    } catch (error) {
      this.noteFailure(error, null);
      return [];
    }
    return devices.filter((d) => isParticleUsb(d.vendorId, d.productId)).map((d) => this.wrap(d));
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    void this.init();
    return () => this.listeners.delete(listener);
  }

  /** Called when enumeration or opening fails, so the UI shows the fix instead of a raw error. */
  noteFailure(error: unknown, productId: number | null): RescueError | null {
    const problem = this.problemFor(error, productId);
    if (!problem) return null;
    this.currentProblem = problem;
    return new RescueError(problem.code, problem.message, problem.fix);
  }

  private problemFor(error: unknown, productId: number | null): UsbSourceProblem | null {
    const kind = classifyTransferError(error);
    if (kind === 'access') return usbPermissionDenied(this.platform);
    const dfu = productId !== null && identifyUsbIds(PARTICLE_VENDOR_ID, productId)?.usbMode === 'dfu';
    if (kind === 'driver' && this.platform === 'win32' && dfu) return usbDriverMissing();
    // Enumeration itself failed: the bus is not usable at all.
    if (productId === null) return usbUnavailable(describeError(error));
    return null;
  }

  private init(): Promise<WebUsbLike | null> {
    if (this.currentProblem?.code === 'USB_UNAVAILABLE') return Promise.resolve(null);
    this.webusb ??= this.loadWebUsb().then(
      async (webusb) => {
        // Listeners only once enumeration has worked: on a machine without a usable bus they crash Node.
        try {
          await webusb.getDevices();
        } catch (error) {
          this.noteFailure(error, null);
          return null;
        }
        webusb.addEventListener('connect', (event) => this.emit('attach', event.device));
        webusb.addEventListener('disconnect', (event) => this.emit('detach', event.device));
        return webusb;
      },
      (error: unknown) => {
        this.currentProblem = usbUnavailable(`the native USB module did not load: ${describeError(error)}`);
        return null;
      },
    );
    return this.webusb;
  }

  private emit(kind: 'attach' | 'detach', device: UsbDeviceLike | undefined): void {
    if (!device || !isParticleUsb(device.vendorId, device.productId)) return;
    const change = { kind, device: this.wrap(device) };
    for (const listener of this.listeners) listener(change);
  }

  private wrap(device: UsbDeviceLike): UsbSourceDevice {
    let wrapper = this.wrapped.get(device);
    if (!wrapper) {
      wrapper = new HardwareDevice(device, this);
      this.wrapped.set(device, wrapper);
    }
    return { device: wrapper, virtual: false, scenario: null };
  }
}

/** A hardware device whose open() turns permission and driver failures into the source's problem. */
class HardwareDevice implements UsbDeviceLike {
  constructor(
    private readonly inner: UsbDeviceLike,
    private readonly source: RealUsbSource,
  ) {}

  get vendorId(): number {
    return this.inner.vendorId;
  }
  get productId(): number {
    return this.inner.productId;
  }
  get serialNumber(): string | null | undefined {
    return this.inner.serialNumber;
  }
  get productName(): string | null | undefined {
    return this.inner.productName;
  }
  get manufacturerName(): string | null | undefined {
    return this.inner.manufacturerName;
  }
  get opened(): boolean {
    return this.inner.opened;
  }
  get configuration(): UsbDeviceLike['configuration'] {
    return this.inner.configuration;
  }
  get configurations(): UsbDeviceLike['configurations'] {
    return this.inner.configurations;
  }

  async open(): Promise<void> {
    try {
      await this.inner.open();
    } catch (error) {
      throw this.source.noteFailure(error, this.inner.productId) ?? error;
    }
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  selectConfiguration(value: number): Promise<void> {
    return this.inner.selectConfiguration(value);
  }
  async claimInterface(interfaceNumber: number): Promise<void> {
    try {
      await this.inner.claimInterface(interfaceNumber);
    } catch (error) {
      throw this.source.noteFailure(error, this.inner.productId) ?? error;
    }
  }
  releaseInterface(interfaceNumber: number): Promise<void> {
    return this.inner.releaseInterface(interfaceNumber);
  }
  selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    return this.inner.selectAlternateInterface(interfaceNumber, alternateSetting);
  }
  controlTransferIn(setup: UsbControlSetup, length: number): ReturnType<UsbDeviceLike['controlTransferIn']> {
    return this.inner.controlTransferIn(setup, length);
  }
  controlTransferOut(setup: UsbControlSetup, data?: BufferSource): ReturnType<UsbDeviceLike['controlTransferOut']> {
    return this.inner.controlTransferOut(setup, data);
  }
}
