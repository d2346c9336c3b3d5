import { RescueError } from '../../../shared/errors';
import type { DeviceSummary } from '../../../shared/domain';
import { platformById } from '../../../shared/domain/platforms';
import type { OperationContext } from '../operations/operation-runner';
import type { OperationLog } from '../operations/operation-log';
import type { AttachedDevice, DeviceManager } from '../usb/device-manager';
import type { Sleep } from '../usb/sleep';
import type { SerialAccess } from '../usb/usb-source';
import { DfuSession, type DfuRetryPolicy } from './dfu-session';

export type EnterDfuMethod = 'already' | 'control-request' | 'serial-baud' | 'buttons';

export interface DfuServiceDeps {
  devices: DeviceManager;
  serial: SerialAccess;
  opLog: OperationLog;
  sleep?: Sleep;
  session?: { retry?: DfuRetryPolicy; transferTimeoutMs?: number };
}

export interface EnterDfuOptions {
  /** How long to wait for the user at the buttons step. Default 2 minutes. */
  timeoutMs?: number;
}

/** Per automatic route: control request or 14400 baud, then re-enumeration (real devices take ~3 s). */
const SWITCH_TIMEOUT_MS = 20_000;
const BUTTONS_TIMEOUT_MS = 120_000;
const COME_BACK_TIMEOUT_MS = 30_000;
const DFU_BAUD = 14_400;

/**
 * Gets devices into and out of DFU mode and hands out one DfuSession per device that several steps
 * share (read DCT, write a key slot, write the server key, flash a module) without re-enumerating.
 */
export class DfuService {
  private readonly sessions = new Map<string, DfuSession>();

  constructor(private readonly deps: DfuServiceDeps) {}

  /** The first route that works: already → control request 50 → 14400 baud → guided buttons. */
  async enterDfu(deviceId: string, ctx: OperationContext, options: EnterDfuOptions = {}): Promise<{ method: EnterDfuMethod; device: DeviceSummary }> {
    const devices = this.deps.devices;
    const device = supported(await devices.find(deviceId));
    if (device.usbMode === 'dfu') return { method: 'already', device: await devices.summary(deviceId) };
    const switchTimeout = Math.min(SWITCH_TIMEOUT_MS, options.timeoutMs ?? SWITCH_TIMEOUT_MS);

    ctx.progress({ phase: 'enter-dfu', message: 'Asking the device to restart in DFU mode (control request)…' });
    if (await this.tryRoute(ctx, 'control request', async () => {
      await devices
        .control(device)
        .enterDfu({ signal: ctx.signal, timeoutMs: 10_000 })
        .catch((error: unknown) => {
          // The device may act on the request before its reply is collected: vanishing is the expected outcome.
          if (!RescueError.is(error, 'DEVICE_GONE')) throw error;
        });
      await devices.waitFor(deviceId, 'dfu', { timeoutMs: switchTimeout, signal: ctx.signal });
    })) {
      return { method: 'control-request', device: await devices.summary(deviceId) };
    }

    ctx.progress({ phase: 'enter-dfu', message: 'Trying the 14400-baud serial signal used by older Device OS…' });
    if (await this.tryRoute(ctx, '14400 baud', async () => {
      // Opening the port is the signal; a device without a serial port (Gen 3 app without Serial) fails here.
      await this.deps.serial.touchBaud(deviceId, DFU_BAUD);
      await devices.waitFor(deviceId, 'dfu', { timeoutMs: switchTimeout, signal: ctx.signal });
    })) {
      return { method: 'serial-baud', device: await devices.summary(deviceId) };
    }

    ctx.progress({ phase: 'await-buttons', message: buttonInstructions(device.platformId) });
    const timeoutMs = options.timeoutMs ?? BUTTONS_TIMEOUT_MS;
    try {
      await devices.waitFor(deviceId, 'dfu', { timeoutMs, signal: ctx.signal });
    } catch (error) {
      if (!RescueError.is(error, 'TIMEOUT') && !RescueError.is(error, 'DEVICE_NOT_FOUND')) throw error;
      const names = platformById(device.platformId)?.buttons;
      throw new RescueError(
        'TIMEOUT',
        `The device did not appear in DFU mode within ${Math.round(timeoutMs / 1000)} s.`,
        `Try the buttons again: hold ${names?.mode ?? 'MODE'}, tap ${names?.reset ?? 'RESET'}, and keep holding ${names?.mode ?? 'MODE'} until the LED blinks yellow (about 3 s). ` +
          'If the LED never blinks yellow, unplug the device, hold the button while plugging it back in, and use a data cable directly on the computer.',
        { deviceId },
      );
    }
    return { method: 'buttons', device: await devices.summary(deviceId) };
  }

  /** The open session for this device, or a new one (entering DFU mode first if needed). */
  async openSession(deviceId: string, ctx: OperationContext): Promise<DfuSession> {
    const existing = this.sessions.get(deviceId);
    if (existing?.isOpen) {
      const attached = await this.deps.devices.find(deviceId).catch(() => null);
      if (attached?.usb === existing.device.usb && attached.usbMode === 'dfu') return existing;
      await existing.close();
    }
    this.sessions.delete(deviceId);
    let device: AttachedDevice = supported(await this.deps.devices.find(deviceId));
    if (device.usbMode !== 'dfu') {
      await this.enterDfu(deviceId, ctx);
      device = await this.deps.devices.find(deviceId);
    }
    const session = await DfuSession.open(device, { sleep: this.deps.sleep, opLog: this.deps.opLog, ...this.deps.session });
    this.sessions.set(deviceId, session);
    ctx.log('dfu', 'info', `DFU session open (transfer size ${session.transferSize})`);
    return session;
  }

  /** Manifest, then wait for the device to come back in normal mode; says so when it does not. */
  async leave(deviceId: string, ctx: OperationContext, options: { timeoutMs?: number } = {}): Promise<DeviceSummary> {
    const device = await this.deps.devices.find(deviceId);
    if (device.usbMode === 'normal') return this.deps.devices.summary(deviceId);
    ctx.progress({ phase: 'leave', message: 'Leaving DFU mode; the device restarts into its firmware…' });
    const session = await this.openSession(deviceId, ctx);
    this.sessions.delete(deviceId);
    await session.leave(ctx.signal);
    const timeoutMs = options.timeoutMs ?? COME_BACK_TIMEOUT_MS;
    try {
      await this.deps.devices.waitFor(deviceId, 'normal', { timeoutMs, signal: ctx.signal });
    } catch (error) {
      if (!RescueError.is(error, 'TIMEOUT') && !RescueError.is(error, 'DEVICE_NOT_FOUND')) throw error;
      const stayedInDfu = RescueError.is(error, 'TIMEOUT');
      throw new RescueError(
        'DFU_LEAVE_FAILED',
        stayedInDfu
          ? `The device restarted but came back in DFU mode: its firmware is incomplete or invalid, so the bootloader stays in DFU.`
          : `The device did not come back on USB within ${Math.round(timeoutMs / 1000)} s after leaving DFU mode.`,
        stayedInDfu
          ? 'Flash Device OS (system parts) and a user app for this platform, then leave DFU mode again.'
          : 'Look at the LED. Breathing cyan or blinking green means it is running: replug it to see it again. No LED: unplug and replug it.',
        { deviceId },
      );
    }
    ctx.log('dfu', 'info', 'device is back in normal mode');
    return this.deps.devices.summary(deviceId);
  }

  /** Release the session without leaving DFU (the device stays blinking yellow). */
  async closeSession(deviceId: string): Promise<void> {
    const session = this.sessions.get(deviceId);
    this.sessions.delete(deviceId);
    await session?.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
  }

  /** Runs one automatic route; a failure is logged and the next route tried, cancellation is not swallowed. */
  private async tryRoute(ctx: OperationContext, name: string, route: () => Promise<void>): Promise<boolean> {
    try {
      await route();
      ctx.log('dfu', 'info', `entered DFU mode by ${name}`);
      return true;
    } catch (error) {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      ctx.log('dfu', 'warn', `${name} did not switch the device to DFU mode: ${(error as Error).message}`);
      return false;
    }
  }
}

/** The Spark Core and platforms outside the supported list have other bootloaders and flash maps. */
function supported(device: AttachedDevice): AttachedDevice {
  if (platformById(device.platformId)) return device;
  throw new RescueError(
    'WRONG_PLATFORM',
    device.platformId === 0
      ? 'This is a Spark Core (Gen 1); Particle Rescue does not support it.'
      : `Platform ${device.platformId} is not one Particle Rescue supports.`,
    'Use the Particle CLI for this device. Supported: Photon, P1, Electron, Argon, Boron, B-SoM, B5-SoM, Tracker, P2 / Photon 2.',
    { platformId: device.platformId },
  );
}

/** What the UI shows at the buttons step: which buttons, in which order, and what the LED does. */
export function buttonInstructions(platformId: number): string {
  const platform = platformById(platformId);
  const mode = platform?.buttons.mode ?? 'MODE';
  const reset = platform?.buttons.reset ?? 'RESET';
  const where = platform && /som|tracker/i.test(platform.name) ? ' (on the carrier or evaluation board)' : '';
  return (
    `Put the ${platform?.displayName ?? 'device'} into DFU mode by hand${where}: press and hold ${mode}, tap ${reset} (press and release) while still holding ${mode}. ` +
    `The LED blinks magenta, then blinks yellow: release ${mode} now. Waiting for the device to appear in DFU mode…`
  );
}
