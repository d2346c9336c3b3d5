import type { WifiScanResult, WifiSetResult, WifiStoredResult } from '../../../shared/contract/wifi';
import { RescueError } from '../../../shared/errors';
import type { ControlClient } from '../control/control-client';
import { encodeRequest } from '../control/messages';
import { closePort, LOG_BAUD, openPort } from '../logs/open-port';
import type { OperationLog } from '../operations/operation-log';
import type { AttachedDevice } from '../usb/attached-device';
import type { SerialAccess } from '../usb/usb-source';
import { type ConsolePort, enterCredentialsOnConsole } from './console-dialog';
import { knownNetworks, scanNetworks, storeNetwork } from './ncp-wifi';
import { checkCredentials, wifiRoute } from './wifi-input';

type OpenConsole = ConsolePort & { readonly isOpen: boolean; close(callback: (error?: Error | null) => void): void };

export interface WifiServiceDeps {
  devices: {
    find(deviceId: string): Promise<AttachedDevice>;
    control(device: AttachedDevice): Pick<ControlClient, 'request' | 'deviceMode' | 'cloudStatus'>;
  };
  serial: SerialAccess;
  opLog: OperationLog;
  /** A log stream holding the port is paused for the dialog (a port has one opener at a time). */
  logs?: { stop(deviceId: string): Promise<boolean> };
  open?: (path: string, baudRate: number) => Promise<OpenConsole>;
  /** How long each console prompt may take. */
  consoleTimeoutMs?: number;
  /** How long to watch for the cloud connection after storing. */
  connectTimeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wi-Fi credentials over USB. Photon/P1: the listening-mode console's `w` dialog on the device's
 * serial port; Argon/P2: control requests 507 (store) + 71 / 501 (join), 506 (scan), 502 (stored).
 * The password goes to the device and nowhere else: not logged, not returned, not kept.
 */
export class WifiService {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: WifiServiceDeps) {
    this.sleep = deps.sleep ?? realSleep;
  }

  async scan(deviceId: string): Promise<WifiScanResult> {
    const { device, route } = await this.target(deviceId);
    if (route === 'listening-console') {
      return { deviceId, supported: false, networks: [], reason: 'The Photon and P1 cannot list networks over USB: type the network name (2.4 GHz only).' };
    }
    return { deviceId, supported: true, networks: await scanNetworks(this.deps.devices.control(device)), reason: null };
  }

  async listStored(deviceId: string): Promise<WifiStoredResult> {
    const { device, route } = await this.target(deviceId);
    if (route === 'listening-console') {
      return { deviceId, supported: false, networks: [], reason: 'The Photon and P1 keep their networks in the configuration area, which is only readable in DFU mode.' };
    }
    return { deviceId, supported: true, networks: await knownNetworks(this.deps.devices.control(device)), reason: null };
  }

  async setCredentials(deviceId: string, input: { ssid?: unknown; security?: unknown; password?: unknown }): Promise<WifiSetResult> {
    const creds = checkCredentials(input);
    const { device, route } = await this.target(deviceId);
    const control = this.deps.devices.control(device);
    const what = `Wi-Fi network "${creds.ssid}" (${creds.security})`;
    if (route === 'listening-console') {
      await this.requireListening(control, deviceId);
      await this.overConsole(deviceId, creds);
      this.deps.opLog.write('serial', 'info', `Stored ${what} through the listening-mode console`, { deviceId });
    } else {
      await storeNetwork(control, creds);
      this.deps.opLog.write('control', 'info', `Stored ${what} with request 507`, { deviceId });
      const mode = await control.deviceMode().catch(() => 'normal' as const);
      if (mode === 'listening') await control.request(71, 'stop listening', encodeRequest('StopListeningModeRequest'));
      else await control.request(501, 'join Wi-Fi network', encodeRequest('wifi.JoinKnownNetworkRequest', { ssid: creds.ssid }));
    }
    const connected = await this.watchConnection(control);
    this.deps.opLog.write(route === 'listening-console' ? 'serial' : 'control', connected ? 'info' : 'warn', connected ? 'Device connected to the cloud after the Wi-Fi change' : 'Device did not reach the cloud after the Wi-Fi change', { deviceId });
    return {
      deviceId,
      ssid: creds.ssid,
      security: creds.security,
      method: route,
      stored: true,
      connected,
      message: connected
        ? `The device joined "${creds.ssid}" and is connected to the cloud.`
        : `The credentials were stored, but the device did not reach the cloud within ${Math.round(this.connectTimeout() / 1000)} s. Blinking green means it cannot join "${creds.ssid}": check the password and security type, and that the network is 2.4 GHz and in range.`,
    };
  }

  private async target(deviceId: string): Promise<{ device: AttachedDevice; route: ReturnType<typeof wifiRoute> }> {
    const device = await this.deps.devices.find(deviceId);
    const route = wifiRoute(device.platformId);
    if (device.usbMode === 'dfu') {
      throw new RescueError('WRONG_MODE', 'The device is in DFU mode (blinking yellow): Wi-Fi can only be set while Device OS runs.', 'Leave DFU mode (press RESET), then put it in listening mode: hold SETUP/MODE for 3 seconds until the LED blinks dark blue.');
    }
    return { device, route };
  }

  /** Request 72 where the firmware has it; older firmware is judged by whether the console answers. */
  private async requireListening(control: Pick<ControlClient, 'deviceMode'>, deviceId: string): Promise<void> {
    const mode = await control.deviceMode({ timeoutMs: 3000 }).catch(() => null);
    if (mode === 'normal') {
      throw new RescueError(
        'WRONG_MODE',
        'The device is not in listening mode, so its serial console does not take Wi-Fi credentials. Nothing was written.',
        'Hold SETUP for 3 seconds until the LED blinks dark blue (listening mode), or use "usb listen", then try again.',
        { deviceId },
      );
    }
  }

  private async overConsole(deviceId: string, creds: ReturnType<typeof checkCredentials>): Promise<void> {
    const ref = await this.deps.serial.locate(deviceId);
    if (!ref) {
      throw new RescueError('SERIAL_UNAVAILABLE', `No USB serial port was found for device ${deviceId}.`, 'Replug the device; in listening mode (blinking dark blue) its serial port is always present.');
    }
    if (await this.deps.logs?.stop(deviceId)) this.deps.opLog.write('serial', 'info', 'Serial log paused for the Wi-Fi dialog', { deviceId });
    const port = await (this.deps.open ?? (openPort as unknown as (path: string, baud: number) => Promise<OpenConsole>))(ref.path, LOG_BAUD);
    try {
      await enterCredentialsOnConsole(port, creds, this.deps.consoleTimeoutMs ?? 5000);
    } finally {
      await closePort(port as unknown as Parameters<typeof closePort>[0]);
    }
  }

  private connectTimeout(): number {
    return this.deps.connectTimeoutMs ?? 60_000;
  }

  /** Measured, not assumed: request 300 until CONNECTED or the time is up. */
  private async watchConnection(control: Pick<ControlClient, 'cloudStatus'>): Promise<boolean> {
    const pollMs = this.deps.pollMs ?? 500;
    for (let waited = 0; waited <= this.connectTimeout(); waited += pollMs) {
      const status = await control.cloudStatus({ timeoutMs: 3000 }).catch(() => null);
      if (status === 'connected') return true;
      await this.sleep(pollMs);
    }
    return false;
  }
}
