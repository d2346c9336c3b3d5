import { RescueError } from '../../../shared/errors';
import type { DeviceMode, DeviceSummary, HealthBadge, UsbStatus } from '../../../shared/domain';
import { deviceIdFromSerial, identifyUsbIds, platformById, CORE_VENDOR_ID, type UsbMode } from '../../../shared/domain/platforms';
import type { EventBus } from '../../rpc/event-bus';
import type { OperationLog } from '../operations/operation-log';
import { ControlClient } from '../control/control-client';
import type { AttachedDevice } from './attached-device';
import { CompositeUsbSource } from './composite-usb-source';
import { realSleep, throwIfAborted, type Sleep } from './sleep';
import type { SerialAccess, UsbSource, UsbSourceDevice } from './usb-source';
import type { UsbDeviceLike } from './webusb';

export type { AttachedDevice } from './attached-device';

export interface DeviceManagerDeps {
  sources: UsbSource[] | UsbSource;
  serial: SerialAccess;
  opLog: OperationLog;
  bus?: EventBus;
  sleep?: Sleep;
  /** Budget for each probe request while listing (a slow device must not stall the list). */
  probeTimeoutMs?: number;
  /** Clock for the age of the cached list (tests). */
  now?: () => number;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What a normal-mode probe learned; cached per USB handle because the version cannot change without re-enumerating. */
interface Probe {
  deviceOsVersion: string | null;
  mode: DeviceMode;
}

const POLL_MS = 500;
/** How long `current()` answers from the last probe when nothing was plugged or unplugged meanwhile. */
export const LIST_MAX_AGE_MS = 1000;

/**
 * Discovery and hotplug of Particle devices over every source (hardware, lab). Identity comes from
 * the USB ids and serial string; mode and Device OS version from control requests in normal mode.
 */
export class DeviceManager {
  private readonly source: UsbSource;
  private readonly sleep: Sleep;
  private readonly health = new Map<string, HealthBadge>();
  private readonly busy = new Set<string>();
  private readonly probes = new WeakMap<UsbDeviceLike, Probe>();
  private readonly controls = new WeakMap<UsbDeviceLike, ControlClient>();
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: () => void;
  /** Bumped on every attach/detach: a list probed before the change is no longer the state. */
  private generation = 0;
  private snapshot: { generation: number; at: number; devices: DeviceSummary[] } | null = null;
  private refreshing: { generation: number; promise: Promise<DeviceSummary[]> } | null = null;

  constructor(private readonly deps: DeviceManagerDeps) {
    this.source = Array.isArray(deps.sources) ? new CompositeUsbSource(deps.sources) : (deps.sources as UsbSource);
    this.sleep = deps.sleep ?? realSleep;
    this.unsubscribe = this.source.onChange((change) => this.onChange(change.kind, change.device));
  }

  status(): UsbStatus {
    const problem = this.source.problem();
    return { available: problem === null, problem };
  }

  /** Every attached Particle device, probed for mode and Device OS version when in normal mode. */
  async list(): Promise<DeviceSummary[]> {
    const attached = await this.attached();
    const summaries: DeviceSummary[] = [];
    for (const device of attached) summaries.push(await this.summarize(device));
    return summaries;
  }

  /**
   * The device list as state, for callers that ask often (the UI's devices.list): answered from the
   * last probe, which is taken again after any attach/detach or once it is older than `maxAgeMs`;
   * callers arriving during a probe share it. A flood of calls touches USB once, not once per call.
   * Busy and health are always current (they are the app's own state, not the device's).
   */
  async current(maxAgeMs = LIST_MAX_AGE_MS): Promise<DeviceSummary[]> {
    const snapshot = this.snapshot;
    const now = this.deps.now ?? Date.now;
    const fresh = snapshot !== null && snapshot.generation === this.generation && now() - snapshot.at < maxAgeMs;
    return this.withState(fresh ? snapshot.devices : await this.refresh());
  }

  private withState(devices: DeviceSummary[]): DeviceSummary[] {
    return devices.map((d) => ({ ...d, health: this.health.get(d.deviceId) ?? 'unknown', busy: this.busy.has(d.deviceId) }));
  }

  private refresh(): Promise<DeviceSummary[]> {
    const generation = this.generation;
    if (this.refreshing?.generation === generation) return this.refreshing.promise;
    const promise = this.list()
      .then((devices) => {
        if (generation === this.generation) this.snapshot = { generation, at: (this.deps.now ?? Date.now)(), devices };
        return devices;
      })
      .finally(() => {
        if (this.refreshing?.promise === promise) this.refreshing = null;
      });
    this.refreshing = { generation, promise };
    return promise;
  }

  async summary(deviceId: string): Promise<DeviceSummary> {
    return this.summarize(await this.find(deviceId));
  }

  async find(deviceId: string): Promise<AttachedDevice> {
    const device = (await this.attached()).find((d) => d.deviceId === deviceId);
    if (device) return device;
    const problem = this.source.problem();
    throw new RescueError(
      'DEVICE_NOT_FOUND',
      `No Particle device with ID ${deviceId} is connected.`,
      problem
        ? `${problem.message} ${problem.fix}`
        : 'Plug the device in with a data USB cable (charge-only cables are the most common cause), directly into the computer, and check its LED is on.',
      { deviceId },
    );
  }

  /** Waits until the device shows up in the wanted USB mode (after a reboot into or out of DFU). */
  async waitFor(deviceId: string, usbMode: UsbMode, options: WaitOptions): Promise<AttachedDevice> {
    let waited = 0;
    for (;;) {
      throwIfAborted(options.signal);
      const device = (await this.attached()).find((d) => d.deviceId === deviceId && d.usbMode === usbMode);
      if (device) return device;
      if (waited >= options.timeoutMs) {
        const anyMode = (await this.attached()).find((d) => d.deviceId === deviceId);
        throw new RescueError(
          anyMode ? 'TIMEOUT' : 'DEVICE_NOT_FOUND',
          anyMode
            ? `Device ${deviceId} is connected but did not switch to ${usbMode === 'dfu' ? 'DFU' : 'normal'} mode within ${Math.round(options.timeoutMs / 1000)} s.`
            : `Device ${deviceId} did not come back on USB within ${Math.round(options.timeoutMs / 1000)} s.`,
          usbMode === 'dfu'
            ? 'Put it into DFU mode with the buttons: hold MODE/SETUP, tap RESET, release MODE/SETUP when the LED blinks yellow.'
            : 'Look at the LED: blinking yellow means it stayed in DFU mode (its firmware may be incomplete); no LED means unplug and replug it.',
          { deviceId, usbMode },
        );
      }
      // Only the poll interval counts: a burst of unrelated hotplug events must not shorten the wait.
      if ((await this.nextChange(POLL_MS, options.signal)) === 'timer') waited += POLL_MS;
    }
  }

  /** One control client per USB handle, so requests to a device are serialised. */
  control(device: AttachedDevice): ControlClient {
    let client = this.controls.get(device.usb);
    if (!client) {
      client = new ControlClient(device.usb, { platformId: device.platformId, sleep: this.sleep });
      this.controls.set(device.usb, client);
    }
    return client;
  }

  setHealth(deviceId: string, badge: HealthBadge): void {
    this.health.set(deviceId, badge);
    this.announce();
  }

  setBusy(deviceId: string, busy: boolean): void {
    if (busy) this.busy.add(deviceId);
    else this.busy.delete(deviceId);
    this.announce();
  }

  isBusy(deviceId: string): boolean {
    return this.busy.has(deviceId);
  }

  close(): void {
    this.unsubscribe();
    for (const wake of this.waiters) wake();
  }

  private async attached(): Promise<AttachedDevice[]> {
    const out: AttachedDevice[] = [];
    for (const entry of await this.source.list()) {
      const device = await this.identify(entry);
      if (device) out.push(device);
    }
    return out;
  }

  private async identify(entry: UsbSourceDevice): Promise<AttachedDevice | null> {
    const usb = entry.device;
    const ids = usb.vendorId === CORE_VENDOR_ID ? { platformId: 0, usbMode: (usb.productId === 0x607f ? 'dfu' : 'normal') as UsbMode } : identifyUsbIds(usb.vendorId, usb.productId);
    if (!ids) return null;
    const deviceId = deviceIdFromSerial(usb.serialNumber);
    if (!deviceId) {
      this.deps.opLog.write('usb', 'warn', `Particle device ${hex(usb.productId)} has no device ID in its serial string; skipped`);
      return null;
    }
    return { deviceId, platformId: ids.platformId, usbMode: ids.usbMode, usb, virtual: entry.virtual, scenario: entry.scenario };
  }

  private async summarize(device: AttachedDevice): Promise<DeviceSummary> {
    const platform = platformById(device.platformId);
    const probe = device.usbMode === 'dfu' ? { mode: 'dfu' as const, deviceOsVersion: null } : await this.probe(device);
    return {
      deviceId: device.deviceId,
      platformId: device.platformId,
      platformName: platform?.displayName ?? (device.platformId === 0 ? 'Spark Core (not supported)' : `Unknown platform ${device.platformId}`),
      mode: probe.mode,
      usbMode: device.usbMode,
      deviceOsVersion: probe.deviceOsVersion,
      virtual: device.virtual,
      scenario: device.scenario,
      health: this.health.get(device.deviceId) ?? 'unknown',
      busy: this.busy.has(device.deviceId),
    };
  }

  /**
   * Mode in normal USB mode: request 72 tells normal from listening. Safe mode has no request of its
   * own, so it is inferred from the module table (request 90): Device OS falls back to safe mode when
   * a system part's dependencies are unmet or there is no valid user part in the main slot. Safe mode
   * requested by buttons or request 60 with valid firmware cannot be seen over USB and shows as normal.
   * Devices too old for 72 are reported as normal; if nothing answers, unknown.
   */
  private async probe(device: AttachedDevice): Promise<Probe> {
    const cached = this.probes.get(device.usb);
    // A device busy with an operation is not disturbed by listing; its last known state stands.
    if (cached && this.busy.has(device.deviceId)) return cached;
    if (!platformById(device.platformId)) return { mode: 'unknown', deviceOsVersion: null };
    const control = this.control(device);
    const opts = { timeoutMs: this.deps.probeTimeoutMs ?? 3000 };
    const version = cached ? cached.deviceOsVersion : await control.systemVersion(opts).catch(() => null);
    let mode: DeviceMode = 'unknown';
    try {
      mode = await control.deviceMode(opts);
    } catch (error) {
      if (RescueError.is(error, 'CONTROL_NOT_SUPPORTED')) mode = 'normal';
      else this.deps.opLog.write('usb', 'warn', `mode probe failed: ${(error as Error).message}`, { deviceId: device.deviceId });
    }
    if (mode === 'normal') {
      const modules = await control.moduleInfo(opts).catch(() => null);
      const systemBroken = modules?.some((m) => m.function === 'systemPart' && !m.valid) ?? false;
      const userValid = modules?.some((m) => m.function === 'userPart' && m.store === 'main' && m.valid) ?? false;
      if (modules && modules.length > 0 && (systemBroken || !userValid)) mode = 'safe';
    }
    const probe = { deviceOsVersion: version, mode };
    this.probes.set(device.usb, probe);
    return probe;
  }

  private onChange(kind: 'attach' | 'detach', entry: UsbSourceDevice): void {
    this.generation += 1;
    this.probes.delete(entry.device);
    this.deps.opLog.write('usb', 'info', `${kind} ${hex(entry.device.vendorId)}:${hex(entry.device.productId)} ${entry.device.serialNumber ?? ''}${entry.virtual ? ' (virtual)' : ''}`);
    for (const wake of this.waiters) wake();
    this.announce();
  }

  private announce(): void {
    const bus = this.deps.bus;
    if (!bus) return;
    void this.refresh().then(
      (devices) => bus.emit('devices.changed', { devices: this.withState(devices), usb: this.status() }),
      (error: unknown) => this.deps.opLog.write('usb', 'warn', `device list after a change failed: ${(error as Error).message}`),
    );
  }

  /** Resolves on the next attach/detach, or after `ms` of (injectable) sleep, whichever comes first. */
  private nextChange(ms: number, signal?: AbortSignal): Promise<'event' | 'timer'> {
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        resolve('event');
      };
      this.waiters.add(wake);
      this.sleep(ms, signal).then(
        () => {
          this.waiters.delete(wake);
          resolve('timer');
        },
        (error: unknown) => {
          this.waiters.delete(wake);
          reject(error);
        },
      );
    });
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}
