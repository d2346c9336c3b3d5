import { EventEmitter } from 'node:events';
import { DCT_SIZE, KEY_SLOTS } from '../../../shared/domain/dct-layout';
import type { LedState } from '../../../shared/domain/led';
import { type BootRequest, type VirtualMode, decideBoot } from '../boot/boot-decision';
import { type CloudOutcome, attemptCloudConnection } from '../boot/cloud-session';
import { type LedPatternId, ledState } from '../boot/led-catalogue';
import type { ModuleStatus } from '../boot/module-scan';
import type { VirtualCloudLike } from '../cloud-link';
import { ControlServer } from '../control/control-server';
import { type ControlTarget, DeviceRequests } from '../control/device-requests';
import { dfuControlHandler } from '../dfu/dfu-handler';
import { DfuseStateMachine } from '../dfu/dfuse-state-machine';
import { FaultInjector, type TransferAction } from '../faults/fault-injector';
import type { FaultPlan } from '../faults/fault-plan';
import { type LabPlatform, labPlatform } from '../platforms/lab-platforms';
import { DeviceLog } from '../serial/device-log';
import { handleConsoleInput } from '../serial/listening-console';
import type { SerialLink } from '../serial/pty-pair';
import { dfuFace, normalFace } from '../usb/faces';
import { type TransferGate, VirtualUsbDevice } from '../usb/virtual-usb-device';
import type { Sleep, TimingProfile } from '../util/timing';
import { DeviceHardware, type DeviceImage } from './device-hardware';

export interface VirtualDeviceOptions {
  scenario: string;
  image: DeviceImage;
  timing: TimingProfile;
  sleep: Sleep;
  cloud?: VirtualCloudLike;
  seed: number;
  faults?: FaultPlan;
}

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
  cloudOnline = false;
  cloudOutcome: CloudOutcome | null = null;
  bootReason = 'not powered';
  private readonly hw: DeviceHardware;
  private readonly log = new DeviceLog();
  private ledId: LedPatternId = 'off';
  private dfu: DfuseStateMachine | null = null;
  private serial: SerialLink | null = null;
  private bootToken = 0;
  private cloudToken = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private modeBeforeListening: VirtualMode = 'normal';
  private appeared = false;
  private keygenCount = 0;

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
  }

  get serialPath(): string | null {
    return this.serial && this.log.cdcUp ? this.serial.appPath : null;
  }

  get timing(): TimingProfile {
    return this.opts.timing;
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
    this.log.attach(link);
    link.onData((text) => handleConsoleInput({ ...this.consoleTarget() }, text));
  }

  private consoleTarget() {
    return {
      deviceId: this.deviceId,
      systemVersion: this.systemVersion,
      currentMode: () => this.mode,
      stopListening: () => this.stopListening(),
      print: (line: string) => this.log.raw(line),
    };
  }

  /** Power on (first attach or after unplug). */
  async plug(): Promise<void> {
    if (this.mode !== 'off' || this.usb) return;
    this.bootNow(null, ++this.bootToken);
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
    if (this.cloudOnline) return 2;
    return this.retryTimer || this.ledId === 'blinking-cyan' ? 1 : 0;
  }

  protectedState(): boolean | null {
    return this.platform.supportsProtection && this.systemModuleVersion >= 6000 ? this.opts.image.deviceProtection : null;
  }

  schedule(action: 'reset' | 'dfu' | 'safe'): void {
    const token = this.bootToken;
    void this.opts.sleep(this.opts.timing.actionDelayMs).then(() => {
      if (token === this.bootToken) void this.reboot(action === 'reset' ? null : action);
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
    void this.connectLoop();
  }

  cloudConnect(): void {
    if ((this.mode === 'normal' || this.mode === 'safe') && !this.cloudOnline) void this.connectLoop();
  }

  cloudDisconnect(): void {
    this.cancelConnection();
    if (this.mode === 'normal' || this.mode === 'safe') this.ledId = 'breathing-green';
  }

  cancelConnection(): void {
    this.cloudToken += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.cloudOnline) this.opts.cloud?.setOnline(this.deviceId, false);
    this.cloudOnline = false;
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
    if (decision.mode === 'dfu') {
      this.ledId = 'blinking-yellow';
      this.dfu = this.newDfuMachine();
      const face = dfuFace(this.platform, this.deviceId, this.dfu.memories.map((m) => m.layoutString), this.protectionString());
      this.usb = new VirtualUsbDevice(face, dfuControlHandler(this.dfu), this.gate());
    } else {
      this.usb = new VirtualUsbDevice(normalFace(this.platform, this.deviceId), new ControlServer(new DeviceRequests(this)), this.gate());
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
    } else if (decision.connect && token === this.bootToken) void this.connectLoop();
  }

  private protectionString(): 'o' | 'p' | null {
    if (this.protectedState() === null) return null;
    return this.opts.image.deviceProtection ? 'p' : 'o';
  }

  private newDfuMachine(): DfuseStateMachine {
    return new DfuseStateMachine({
      platform: this.platform,
      memories: this.hw.dfuMemories(this.opts.image.deviceProtection, this.opts.seed),
      timing: this.opts.timing,
      sleep: this.opts.sleep,
      onLeave: () => void this.reboot(null),
      onSafeMode: () => void this.reboot('safe'),
      onDetach: () => void this.reboot('dfu'),
    });
  }

  private gate(): TransferGate {
    return {
      beforeTransfer: async () => {
        const latency = this.faults.latencyForTransfer();
        if (latency > 0) await this.opts.sleep(latency);
        return this.applyFault(this.faults.nextTransfer());
      },
      outWithoutDataStage: () => (this.mode !== 'dfu' && this.platform.outNeedsDataStage ? this.opts.timing.transferTimeoutMs : null),
      sleep: this.opts.sleep,
    };
  }

  private applyFault(action: TransferAction): 'proceed' | 'stall' | 'disconnect' {
    switch (action.kind) {
      case 'stall':
        return 'stall';
      case 'disconnect':
        this.unplug();
        return 'disconnect';
      case 'dfu-status':
        this.dfu?.injectError(action.status);
        return 'proceed';
      case 'brownout': {
        const slot = KEY_SLOTS[this.platform.protocol][action.slot];
        const kept = action.random.int(0, slot.length - 1);
        this.hw.dct.write(slot.offset + kept, action.random.bytes(slot.length - kept));
        this.log.write('system', 'WARN', 'Brown-out reset');
        void this.reboot(null);
        return 'disconnect';
      }
      default:
        return 'proceed';
    }
  }

  private async connectLoop(): Promise<void> {
    const token = ++this.cloudToken;
    const live = () => token === this.cloudToken && (this.mode === 'normal' || this.mode === 'safe');
    this.ledId = 'blinking-green';
    this.log.write('net.ifapi', 'INFO', this.platform.wifi ? 'Joining Wi-Fi network' : 'Registering on the cellular network');
    await this.opts.sleep(this.opts.timing.networkJoinMs);
    for (let attempt = 0; live(); attempt++) {
      this.ledId = 'blinking-cyan';
      const result = attemptCloudConnection({
        deviceId: this.deviceId,
        platformId: this.platformId,
        protocol: this.platform.protocol,
        majorVersion: Number(this.systemVersion.split('.')[0]),
        dct: this.hw.dct,
        cloud: this.opts.cloud,
        keygenSeed: this.opts.seed + 7919 * ++this.keygenCount,
      });
      if (attempt < 3 || attempt % 20 === 0) for (const line of result.log) this.log.write(line.category, line.level, line.message);
      this.cloudOutcome = result.outcome;
      if (result.outcome === 'online') {
        this.cloudOnline = true;
        this.ledId = this.mode === 'safe' ? 'breathing-magenta' : 'breathing-cyan';
        return;
      }
      this.ledId = result.led;
      await new Promise<void>((resolve) => {
        this.retryTimer = setTimeout(resolve, this.opts.timing.cloudRetryMs(attempt));
        this.retryTimer.unref?.();
      });
      this.retryTimer = null;
    }
  }
}
