import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioInfo } from './scenario-info';
import type { SerialAccess, SerialPortRef, UsbSource } from '../services/usb/usb-source';
import type { VirtualCloudLike } from './cloud-link';
import type { VirtualMode } from './boot/boot-decision';
import type { HardwareSnapshot } from './device/device-hardware';
import { VirtualParticleDevice } from './device/virtual-particle-device';
import type { FaultPlan } from './faults/fault-plan';
import { LabUsbSource } from './lab-usb-source';
import { SCENARIOS, scenarioDef } from './scenarios/catalogue';
import { buildScenarioImage, scenarioDeviceId } from './scenarios/scenario-image';
import { LabSerialPort } from './serial/lab-serial-port';
import { openPtyPair } from './serial/pty-pair';
import { trackTempDir } from './serial/socat-cleanup';
import type { SerialLink } from './serial/virtual-serial-end';
import { normalFace } from './usb/faces';
import { type Sleep, type TimingName, realSleep, timingProfile } from './util/timing';

export interface DeviceLabOptions {
  timing?: TimingName;
  cloud?: VirtualCloudLike;
  /**
   * A USB serial port per device: `true` / 'binding' = a `lab:<deviceId>` port opened through the
   * lab's own serialport binding (no system tools); 'pty' = a socat pty pair other serial tools can
   * open too (needs socat). Default: none.
   */
  serial?: boolean | 'binding' | 'pty';
  /** Device → host bytes a port keeps while nobody reads it; the oldest are dropped beyond. */
  serialBufferBytes?: number;
  seed?: number;
  /** Injectable delay (tests, benchmarks); defaults to real timers. */
  sleep?: Sleep;
}

export interface AttachOptions {
  timing?: TimingName;
  faults?: FaultPlan;
  deviceId?: string;
  /** Saved flash/DCT/mode (a lab that persists): applied before power-on; the cloud keeps its own records. */
  restore?: DeviceSnapshot;
}

/** A virtual device as a persisting lab saves it. */
export interface DeviceSnapshot {
  hardware: HardwareSnapshot;
  mode: VirtualMode;
}

/** The cloud as the scenario image sees it, minus registration: a restored cloud already knows the device. */
function withoutRegistration(cloud: VirtualCloudLike | undefined): VirtualCloudLike | undefined {
  if (!cloud) return undefined;
  return {
    serverPublicKeySpki: (protocol) => cloud.serverPublicKeySpki(protocol),
    serverAddress: (protocol) => cloud.serverAddress(protocol),
    registerDevice: () => undefined,
    handshake: (...args) => cloud.handshake(...args),
    setOnline: (deviceId, online) => cloud.setOnline(deviceId, online),
  };
}

/** Virtual Particle devices for tests, demos and training: attach scenarios, see them as a USB bus. */
export class DeviceLab {
  readonly source: UsbSource;
  readonly serialAccess: SerialAccess;
  private readonly usbSource: LabUsbSource;
  private readonly devices = new Map<string, VirtualParticleDevice>();
  private ptyDir: string | null = null;
  private untrackPtyDir: (() => void) | null = null;
  private closed = false;

  constructor(private readonly opts: DeviceLabOptions = {}) {
    this.usbSource = new LabUsbSource(() => this.list());
    this.source = this.usbSource;
    this.serialAccess = {
      locate: async (deviceId): Promise<SerialPortRef | null> => {
        const path = this.devices.get(deviceId)?.serialPath ?? null;
        return path ? { path, virtual: true } : null;
      },
      touchBaud: async (deviceId, baud) => {
        const device = this.devices.get(deviceId);
        if (!device) throw new Error(`no virtual device ${deviceId} in the lab`);
        await device.touchBaud(baud);
      },
    };
  }

  scenarios(): ScenarioInfo[] {
    return SCENARIOS.map(({ name, title, description, platformId }) => ({ name, title, description, platformId }));
  }

  async attach(scenario: string, opts: AttachOptions = {}): Promise<VirtualParticleDevice> {
    if (this.closed) throw new Error('the device lab is closed');
    const def = scenarioDef(scenario);
    if (!def) throw new Error(`unknown scenario "${scenario}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    const seed = this.opts.seed ?? 1;
    const deviceId = opts.deviceId ?? this.freeDeviceId(scenario, seed);
    if (this.devices.has(deviceId)) throw new Error(`virtual device ${deviceId} is already attached`);
    const image = buildScenarioImage(def, { seed, deviceId, cloud: opts.restore ? withoutRegistration(this.opts.cloud) : this.opts.cloud });
    const device = new VirtualParticleDevice(scenario, {
      scenario,
      image,
      timing: timingProfile(opts.timing ?? this.opts.timing ?? 'realistic'),
      sleep: this.opts.sleep ?? realSleep,
      cloud: this.opts.cloud,
      seed,
      faults: opts.faults,
    });
    const link = await this.serialLink(device);
    if (link) device.attachSerial(link);
    this.devices.set(device.deviceId, device);
    this.usbSource.track(device);
    if (opts.restore) device.restoreHardware(opts.restore.hardware);
    await device.plug(opts.restore?.mode);
    return device;
  }

  async detach(deviceId: string): Promise<boolean> {
    const device = this.devices.get(deviceId);
    if (!device) return false;
    await device.shutdown();
    this.usbSource.untrack(deviceId);
    this.devices.delete(deviceId);
    return true;
  }

  get(deviceId: string): VirtualParticleDevice | undefined {
    return this.devices.get(deviceId);
  }

  list(): VirtualParticleDevice[] {
    return [...this.devices.values()];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.devices.keys()]) await this.detach(id);
    if (this.ptyDir) rmSync(this.ptyDir, { recursive: true, force: true });
    this.ptyDir = null;
    this.untrackPtyDir?.();
    this.untrackPtyDir = null;
  }

  private async serialLink(device: VirtualParticleDevice): Promise<SerialLink | null> {
    const mode = this.opts.serial === true ? 'binding' : this.opts.serial;
    if (!mode) return null;
    if (mode === 'pty') return openPtyPair(this.ptyDirectory(), device.deviceId, this.opts.serialBufferBytes);
    const face = normalFace(device.platform, device.deviceId);
    const identity = { deviceId: device.deviceId, vendorId: face.vendorId, productId: face.productId, productName: device.platform.productName };
    return new LabSerialPort(identity, this.opts.serialBufferBytes).link;
  }

  /** The scenario's stable id; a second device of the same scenario gets the next one. */
  private freeDeviceId(scenario: string, seed: number): string {
    for (let n = 0; ; n++) {
      const id = scenarioDeviceId(scenario, seed + n);
      if (!this.devices.has(id)) return id;
    }
  }

  private ptyDirectory(): string {
    if (!this.ptyDir) {
      this.ptyDir = mkdtempSync(join(tmpdir(), 'particle-lab-'));
      this.untrackPtyDir = trackTempDir(this.ptyDir);
    }
    return this.ptyDir;
  }
}
