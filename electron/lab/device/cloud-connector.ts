import { type CloudOutcome, attemptCloudConnection, cloudProtocolOf } from '../boot/cloud-session';
import type { LedPatternId } from '../boot/led-catalogue';
import type { VirtualCloudLike } from '../cloud-link';
import type { DeviceLog } from '../serial/device-log';
import type { DeviceParts } from './device-parts';
import { joinWithProfiles } from './wifi-networks';

export interface CloudConnectorDeps extends DeviceParts {
  cloud: VirtualCloudLike | undefined;
  log: DeviceLog;
  /** Device OS is running and wants the cloud (normal or safe mode). */
  running(): boolean;
  setLed(id: LedPatternId): void;
  /** LED once connected: breathing cyan, or breathing magenta in safe mode. */
  connectedLed(): LedPatternId;
}

/**
 * The system thread's cloud loop: join the network, handshake, and on failure show the error burst
 * and retry with Device OS's back-off until the handshake succeeds or the connection is cancelled.
 */
export class CloudConnector {
  online = false;
  outcome: CloudOutcome | null = null;
  /** The access point joined (Wi-Fi platforms), null while not joined. */
  wifiSsid: string | null = null;
  private token = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private keygenCount = 0;

  constructor(private readonly deps: CloudConnectorDeps) {}

  /** 0 DISCONNECTED, 1 CONNECTING, 2 CONNECTED (cloud.ConnectionStatus). */
  status(): number {
    if (this.online) return 2;
    return this.connecting ? 1 : 0;
  }

  private connecting = false;

  cancel(): void {
    this.token += 1;
    this.connecting = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.online) this.deps.cloud?.setOnline(this.deps.deviceId, false);
    this.online = false;
    this.wifiSsid = null;
  }

  async connect(): Promise<void> {
    const d = this.deps;
    this.cancel();
    const token = this.token;
    const live = () => token === this.token && d.running();
    this.connecting = true;
    d.setLed('blinking-green');
    d.log.write('net.ifapi', 'INFO', d.platform.wifi ? 'Joining Wi-Fi network' : 'Registering on the cellular network');
    await d.sleep(d.timing.networkJoinMs);
    if (d.platform.wifi && !(await this.joinWifi(live))) return;
    for (let attempt = 0; live(); attempt++) {
      d.setLed('blinking-cyan');
      const result = attemptCloudConnection({
        deviceId: d.deviceId,
        platformId: d.platform.id,
        protocol: cloudProtocolOf(d.platform.id, d.platform.protocol, d.hw.dct),
        majorVersion: Number(d.image.systemVersion.split('.')[0]),
        dct: d.hw.dct,
        cloud: d.cloud,
        keygenSeed: d.seed + 7919 * ++this.keygenCount,
      });
      // Every attempt logs on a real device; the fast profile retries every few ms, so thin it out.
      if (attempt < 3 || attempt % 20 === 0) for (const line of result.log) d.log.write(line.category, line.level, line.message);
      this.outcome = result.outcome;
      if (result.outcome === 'online') {
        this.online = true;
        this.connecting = false;
        d.setLed(d.connectedLed());
        return;
      }
      d.setLed(result.led);
      await this.retryWait(attempt);
    }
  }

  /**
   * Wi-Fi join with the stored profiles: a wrong password or an access point out of reach keeps the
   * LED blinking green and the device retrying for ever, as Device OS does.
   */
  private async joinWifi(live: () => boolean): Promise<boolean> {
    const d = this.deps;
    for (let attempt = 0; live(); attempt++) {
      const join = joinWithProfiles(d.hw.dct.wifiProfiles());
      if (join.outcome === 'joined') {
        this.wifiSsid = join.ssid;
        d.log.write('net.ifapi', 'INFO', `Wi-Fi joined ${join.ssid}`);
        return true;
      }
      if (attempt < 3 || attempt % 20 === 0) {
        d.log.write('net.ifapi', 'WARN', join.outcome === 'auth-failed' ? 'Wi-Fi join failed: authentication rejected by the access point' : 'Wi-Fi join failed: no stored network in range');
      }
      d.setLed('blinking-green');
      await this.retryWait(attempt);
    }
    return false;
  }

  private retryWait(attempt: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.retryTimer = setTimeout(resolve, this.deps.timing.cloudRetryMs(attempt));
      this.retryTimer.unref?.();
    }).then(() => {
      this.retryTimer = null;
    });
  }
}
