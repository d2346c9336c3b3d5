import { EventEmitter } from 'node:events';
import { LAB_DCT_SIZE as DCT_SIZE } from '../dct/dct-table';
import type { LedState } from '../../../shared/domain/led';
import { type BootRequest, type VirtualMode, decideBoot } from '../boot/boot-decision';
import type { CloudOutcome } from '../boot/cloud-session';
import { type LedPatternId, ledState } from '../boot/led-catalogue';
import type { ModuleStatus } from '../boot/module-scan';
import type { ControlTarget, WifiTarget } from '../control/device-requests';
import type { StoredWifiProfile } from '../dct/wifi-profile';
import { WifiDialog } from '../serial/wifi-dialog';
import type { DfuseStateMachine } from '../dfu/dfuse-state-machine';
import { FaultInjector } from '../faults/fault-injector';
import { type LabPlatform, labPlatform } from '../platforms/lab-platforms';
import { DeviceLog } from '../serial/device-log';
import type { OutputQueueStats } from '../serial/output-queue';
import type { SerialLink } from '../serial/virtual-serial-end';
import type { TransferGate, VirtualUsbDevice } from '../usb/virtual-usb-device';
import { CloudConnector } from './cloud-connector';
import { DeviceHardware, type HardwareSnapshot } from './device-hardware';
import { deviceTransferGate } from './transfer-gate';
import { createUsbFace } from './usb-face-factory';
import { type DeviceParts, type VirtualDeviceOptions, knowsDeviceProtection } from './device-parts';

/**
 * One virtual Particle device: flash + DCT that survive resets, a boot model that decides mode and
 * LED like Device OS, and a WebUSB face (normal or DFU) that is replaced on every re-enumeration.
 * Events: 'enumerate' (usb) when a face appears, 'detach' (usb) when it goes.
 */
export class VirtualParticleDevice implements ControlTarget {
  readonly deviceId: string;
  readonly platformId: number;
  readonly platform: LabPlatform;
  readonly generation: 2 | 3 | 4;
  readonly systemVersion: string;
  readonly systemModuleVersion: number;
  readonly faults: FaultInjector;
  readonly events = new EventEmitter();
  usb: VirtualUsbDevice | null = null;
  mode: VirtualMode = 'off';
  /** How often the USB face re-appeared since attach (each DFU session adds at least one). */
  enumerations = 0;
  bootReason = 'not powered';
  private readonly hw: DeviceHardware;
  private readonly log = new DeviceLog();
  private ledId: LedPatternId = 'off';
  private dfu: DfuseStateMachine | null = null;
  private serial: SerialLink | null = null;
  private readonly cloud: CloudConnector;
  private readonly parts: DeviceParts;
  private bootToken = 0;
  private modeBeforeListening: VirtualMode = 'normal';
  private appeared = false;

  constructor(
    readonly scenario: string,
    private readonly opts: VirtualDeviceOptions,
  ) {
    this.platform = labPlatform(opts.image.platformId);
    this.platformId = this.platform.id;
    this.generation = this.platform.generation;
    this.deviceId = opts.image.deviceId;
    this.systemVersion = opts.image.systemVersion;
    this.systemModuleVersion = opts.image.systemModuleVersion;
    this.hw = new DeviceHardware(this.platform, opts.image);
    this.faults = new FaultInjector(opts.faults, opts.seed);
    this.parts = { platform: this.platform, deviceId: this.deviceId, hw: this.hw, image: opts.image, timing: opts.timing, sleep: opts.sleep, seed: opts.seed };
    this.cloud = new CloudConnector({
      ...this.parts,
      cloud: opts.cloud,
      log: this.log,
      running: () => this.mode === 'normal' || this.mode === 'safe',
      setLed: (id) => (this.ledId = id),
      connectedLed: () => (this.mode === 'safe' ? 'breathing-magenta' : 'breathing-cyan'),
    });
  }

  get cloudOnline(): boolean {
    return this.cloud.online;
  }

  /** Result of the last handshake attempt (why the LED bursts). */
  get cloudOutcome(): CloudOutcome | null {
    return this.cloud.outcome;
  }

  get serialPath(): string | null {
    return this.serial && this.log.cdcUp ? this.serial.appPath : null;
  }

  led(): LedState {
    return ledState(this.ledId);
  }

  dctBytes(): Uint8Array {
    return this.hw.dct.read(0, DCT_SIZE);
  }

  readFlash(address: number, length: number): Uint8Array {
    return this.hw.flash.read(address, length);
  }

  modules(): ModuleStatus[] {
    return this.hw.modules();
  }

  logLines(): string[] {
    return this.log.recent();
  }

  attachSerial(link: SerialLink): void {
    this.serial = link;
    const wifiDialog = this.platform.wifi ? new WifiDialog({ storeWifiProfile: (p) => this.hw.dct.storeWifiProfile(p), stopListening: () => this.stopListening() }) : undefined;
    this.log.attach(link, { deviceId: this.deviceId, systemVersion: this.systemVersion, wifiDialog, currentMode: () => this.mode, stopListening: () => this.stopListening() });
    // The host opening the port at 14400 / 28800 is the Device OS signal, as on hardware.
    link.onLineCoding((baud) => {
      if (this.log.cdcUp && (baud === 14400 || baud === 28800)) void this.touchBaud(baud);
    });
  }

  /** The serial port's output buffer: bytes waiting for a reader, and what was dropped unread. */
  serialStats(): OutputQueueStats | null {
    return this.serial?.stats() ?? null;
  }

  /** Power on (first attach or after unplug); `resume` boots into a saved mode (DFU, safe, listening). */
  async plug(resume?: VirtualMode): Promise<void> {
    if (this.mode !== 'off' || this.usb) return;
    this.bootNow(resume === 'dfu' || resume === 'safe' ? resume : null, ++this.bootToken);
    if (resume === 'listening') this.startListening();
  }

  /** Flash, DCT and mode: what a lab that persists saves between runs. */
  snapshot(): { hardware: HardwareSnapshot; mode: VirtualMode } {
    return { hardware: this.hw.snapshot(), mode: this.mode };
  }

  /** Put saved flash and DCT back while powered off (before plug). */
  restoreHardware(hardware: HardwareSnapshot): void {
    if (this.mode !== 'off') throw new Error('restore the hardware of a virtual device only while it is off');
    this.hw.restore(hardware);
  }

  /** Cable pulled: no USB, no LED, until plug(). */
  unplug(): void {
    this.bootToken += 1;
    this.goOffBus();
    this.mode = 'off';
    this.ledId = 'off';
  }

  async reset(): Promise<void> {
    await this.reboot(null);
  }

  /** The MODE/SETUP (+RESET) sequences of platforms.md §3.1. */
  async pressButtons(hold: 'safe' | 'dfu' | 'listening'): Promise<void> {
    const holdMs = this.opts.timing.buttonHoldMs(hold);
    if (hold === 'listening') {
      await this.opts.sleep(holdMs);
      if (this.mode === 'normal' || this.mode === 'safe') this.startListening();
      return;
    }
    const token = ++this.bootToken;
    this.goOffBus();
    this.ledId = hold === 'safe' ? 'blinking-magenta' : 'blinking-yellow';
    await this.opts.sleep(holdMs);
    if (token === this.bootToken) this.reappear(hold, token);
  }

  /** The CDC line-coding signal: 14400 → DFU, 28800 → listening (usb-control-protocol.md §8). */
  async touchBaud(baud: number): Promise<void> {
    if (!this.log.cdcUp) throw new Error(`virtual device ${this.deviceId} has no USB serial port in ${this.mode} mode`);
    if (baud === 14400) {
      this.cancelConnection();
      void this.reboot('dfu');
    } else if (baud === 28800 && this.mode !== 'listening') this.startListening();
  }

  setWifiCredentials(ssid: string | null): void {
    this.hw.dct.setWifiCredentials(ssid);
  }

  /** Stored Wi-Fi networks (the WICED DCT block on Photon/P1, the NCP's file on Argon/P2). */
  wifiProfiles(): StoredWifiProfile[] {
    return this.hw.dct.wifiProfiles();
  }

  /** The Wi-Fi control requests 500–507 act on this (Wi-Fi platforms past Gen 2 only). */
  wifi(): WifiTarget | null {
    if (!this.platform.wifi || this.generation === 2) return null;
    const dct = this.hw.dct;
    return {
      profiles: () => dct.wifiProfiles(),
      store: (profile) => dct.storeWifiProfile(profile),
      remove: (ssid) => {
        const rest = dct.wifiProfiles().filter((p) => p.ssid !== ssid);
        if (rest.length === dct.wifiProfiles().length) return false;
        dct.clearWifiProfiles();
        for (const p of rest.reverse()) dct.storeWifiProfile(p);
        return true;
      },
      clear: () => dct.clearWifiProfiles(),
      currentSsid: () => this.cloud.wifiSsid,
      join: () => {
        if (this.mode === 'listening') this.stopListening();
        else if (this.mode === 'normal' || this.mode === 'safe') void this.cloud.connect();
      },
    };
  }

  /** Detach from the lab: stop timers, drop USB, the cloud sees the device go offline. */
  async shutdown(): Promise<void> {
    this.unplug();
    await this.serial?.close();
    this.serial = null;
  }

  // ControlTarget: what Device OS does for control requests.
  currentMode(): 'normal' | 'listening' | 'safe' {
    return this.mode === 'listening' || this.mode === 'safe' ? this.mode : 'normal';
  }

  cloudStatus(): number {
    return this.cloud.status();
  }

  protectedState(): boolean | null {
    return knowsDeviceProtection(this.platform, this.opts.image) ? this.opts.image.deviceProtection : null;
  }

  schedule(action: 'reset' | 'dfu' | 'safe'): void {
    const token = this.bootToken;
    // The USB reply leaves the device before it starts counting down.
    setImmediate(() => {
      void this.opts.sleep(this.opts.timing.actionDelayMs).then(() => {
        if (token === this.bootToken) void this.reboot(action === 'reset' ? null : action);
      });
    });
  }

  startListening(): void {
    if (this.mode !== 'normal' && this.mode !== 'safe') return;
    this.modeBeforeListening = this.mode;
    this.cancelConnection();
    this.mode = 'listening';
    this.ledId = 'blinking-blue';
    this.log.write('system', 'INFO', 'Entering listening mode');
  }

  stopListening(): void {
    if (this.mode !== 'listening') return;
    if (this.platform.wifi && !this.hw.dct.wifiCredentials()) return;
    this.mode = this.modeBeforeListening;
    this.log.write('system', 'INFO', 'Leaving listening mode');
    void this.cloud.connect();
  }

  cloudConnect(): void {
    if ((this.mode === 'normal' || this.mode === 'safe') && !this.cloudOnline) void this.cloud.connect();
  }

  cloudDisconnect(): void {
    this.cancelConnection();
    if (this.mode === 'normal' || this.mode === 'safe') this.ledId = 'breathing-green';
  }

  cancelConnection(): void {
    this.cloud.cancel();
  }

  // Boot and USB faces.
  private goOffBus(): void {
    this.cancelConnection();
    this.log.cdcUp = false;
    this.dfu = null;
    const usb = this.usb;
    this.usb = null;
    if (usb) {
      usb.disconnect();
      this.events.emit('detach', usb);
    }
  }

  private async reboot(request: BootRequest): Promise<void> {
    const token = ++this.bootToken;
    this.goOffBus();
    this.ledId = 'off';
    await this.opts.sleep(this.opts.timing.reenumerateMs);
    if (token === this.bootToken) this.reappear(request, token);
  }

  private reappear(request: BootRequest, token: number): void {
    if (this.faults.nextEnumerationVanishes()) {
      this.mode = 'off';
      this.ledId = 'off';
      this.bootReason = 'vanished during re-enumeration';
      return;
    }
    this.bootNow(request, token);
  }

  private bootNow(request: BootRequest, token: number): void {
    const decision = decideBoot(this.platform, this.hw.modules(), request, this.hw.dct.wifiCredentials());
    this.mode = decision.mode;
    this.bootReason = decision.reason;
    this.log.rebooted();
    if (decision.mode === 'off') {
      this.ledId = 'off';
      return;
    }
    const face = createUsbFace(decision.mode === 'dfu' ? 'dfu' : 'normal', {
      ...this.parts,
      control: this,
      gate: this.gate(),
      reboot: (request) => void this.reboot(request),
      programmedBytes: (alt, data) => this.faults.programmedBytes(alt, data),
      strictPoll: () => this.faults.strictPoll,
    });
    this.usb = face.usb;
    this.dfu = face.dfu;
    if (decision.mode === 'dfu') this.ledId = 'blinking-yellow';
    else {
      this.log.cdcUp = true;
      this.log.write('system', 'INFO', `Device OS ${this.systemVersion} (${this.platform.productName}), ${decision.reason}`);
    }
    if (this.appeared) this.enumerations += 1;
    this.appeared = true;
    this.events.emit('enumerate', this.usb);
    if (decision.mode === 'listening') {
      this.ledId = 'blinking-blue';
      this.modeBeforeListening = 'normal';
      this.log.write('system', 'INFO', `Entering listening mode: ${decision.reason}`);
    } else if (decision.connect && token === this.bootToken) void this.cloud.connect();
  }

  private gate(): TransferGate {
    return deviceTransferGate({
      platform: this.platform,
      faults: this.faults,
      timing: this.opts.timing,
      sleep: this.opts.sleep,
      dct: this.hw.dct,
      log: this.log,
      inDfu: () => this.mode === 'dfu',
      dfuMachine: () => this.dfu,
      unplug: () => this.unplug(),
      powerCycle: () => void this.reboot(null),
    });
  }
}
