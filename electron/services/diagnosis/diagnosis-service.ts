import type { Diagnosis, Finding, RescueResult, VerifyResult, WizardStepId } from '../../../shared/contract/diagnosis';
import type { LedState } from '../../../shared/domain/led';
import { buildDiagnosis, type PlanFacts } from '../../../shared/domain/plan';
import { MIN_DCT_VERSION, olderThan } from '../../../shared/domain/plan-assess';
import { RescueError } from '../../../shared/errors';
import { ControlClient } from '../control/control-client';
import { needsSystemReflash } from '../firmware/system-health';
import type { OperationLog } from '../operations/operation-log';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import { realSleep, type Sleep } from '../usb/sleep';
import { readControlFacts, toCloudStatus } from './device-facts';
import { readKeyFacts } from './key-facts';
import { describeWait, verifyMessage } from './verify-messages';
import type {
  DiagnosisCloudPort,
  DiagnosisControl,
  DiagnosisDevicesPort,
  DiagnosisDfuPort,
  DiagnosisFirmwarePort,
  DiagnosisKeysPort,
  DiagnosisLabPort,
  DiagnosisReportsPort,
} from './ports';
import { runRescue, type RescueOptions } from './rescue-runner';

export interface DiagnosisServiceDeps {
  devices: DiagnosisDevicesPort;
  dfu: DiagnosisDfuPort;
  keys: DiagnosisKeysPort;
  cloud: DiagnosisCloudPort;
  firmware: DiagnosisFirmwarePort;
  reports: DiagnosisReportsPort;
  lab?: DiagnosisLabPort;
  opLog: OperationLog;
  /** Control requests for a device in normal/listening mode; ControlClient unless a test says otherwise. */
  controlFor?: (device: AttachedDevice) => DiagnosisControl;
  sleep?: Sleep;
  now?: () => number;
}

/** Poll interval for "is it online?", as particle-usb does (usb-control-protocol.md §9). */
const VERIFY_POLL_MS = 500;
/** How long a diagnosis stands in for the rescue's own diagnose step. */
const RECENT_DIAGNOSIS_MS = 10 * 60_000;
/** A device that does not answer a control request in this time is treated as not able to tell. */
const CONTROL_TIMEOUT_MS = 10_000;
/** The cloud API is asked less often than the device: every fourth poll. */
const CLOUD_POLL_EVERY = 4;

/** Polls in a row a hopeless state must be seen before verify stops waiting (a reboot passes through states). */
const STUCK_POLLS = 2;
const KEY_REJECTED_LEDS = new Set(['cyan-red-burst', 'cyan-orange-burst-1', 'cyan-magenta-burst']);
type StuckState = 'listening' | 'key-rejected';
const STUCK: Record<StuckState, { now: string; message: string; fix: string }> = {
  listening: {
    now: 'The device is in listening mode (blinking dark blue): it waits for network credentials.',
    message: 'The device is in listening mode (blinking dark blue), so it will not reach the cloud by waiting.',
    fix: 'Give it network credentials (Wi-Fi: `particle serial wifi`; cellular: check the SIM), then check again.',
  },
  'key-rejected': {
    now: 'The cloud rejects the device’s key (cyan with red, orange or magenta flashes).',
    message: 'The cloud rejects the device’s key (blinking cyan with error flashes), so it will not connect by waiting.',
    fix: 'Diagnose again and repair the keys, then check again.',
  },
};

/** Read-only diagnosis, the cloud-connection check and the wizard's multi-step rescue. */
export class DiagnosisService {
  private readonly controlFor: (device: AttachedDevice) => DiagnosisControl;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly recent = new Map<string, { at: number; diagnosis: Diagnosis; ledPatternId?: string }>();

  constructor(private readonly deps: DiagnosisServiceDeps) {
    this.controlFor =
      deps.controlFor ??
      ((device) => deps.devices.control?.(device) ?? new ControlClient(device.usb, { platformId: device.platformId }));
    this.sleep = deps.sleep ?? realSleep;
    this.now = deps.now ?? Date.now;
  }

  async run(deviceId: string, input: { ledPatternId?: string; readDct: boolean }, ctx: OperationContext): Promise<Diagnosis> {
    const device = await this.require(deviceId);
    const ledPatternId = input.ledPatternId ?? this.virtualLed(device)?.patternId ?? null;
    const facts: PlanFacts = {
      platformId: device.platformId,
      mode: device.usbMode === 'dfu' ? 'dfu' : null,
      ledPatternId,
      cloudStatus: 'unknown',
      keyHealth: null,
      systemFirmwareValid: null,
      userFirmwareValid: null,
      wifiCredentials: null,
      protected: false,
    };
    const extra: Finding[] = [];
    if (device.usbMode === 'normal') {
      ctx.progress({ phase: 'control', step: 'diagnose', message: 'Asking the device for its mode, Device OS, modules and cloud status…' });
      const { notes, modules, ...control } = await readControlFacts(this.controlFor(device), device.platformId, {
        timeoutMs: CONTROL_TIMEOUT_MS,
        signal: ctx.signal,
      });
      Object.assign(facts, control);
      extra.push(...notes);
      ctx.log('control', 'info', `mode ${control.mode}, Device OS ${control.deviceOsVersion ?? 'unknown'}, cloud ${control.cloudStatus}, ${modules?.length ?? 0} modules`);
    }
    if (facts.cloudStatus === 'unknown' && device.usbMode === 'normal') facts.cloudStatus = await this.askCloudApi(deviceId, extra);
    if (input.readDct) {
      const keys = await readKeyFacts({ keys: this.deps.keys, dfu: this.deps.dfu, find: (id) => this.tryFind(id) }, device, ctx, extra);
      facts.keyHealth = keys.health;
      facts.protected = keys.protected;
      // Photon/P1 bootloaders reach the key store through system part 2: unreadable there means Device OS
      // is broken, unless it is simply older than that ability.
      const tooOld = olderThan(facts.deviceOsVersion, MIN_DCT_VERSION);
      if (facts.systemFirmwareValid === null && !tooOld && facts.keyHealth && needsSystemReflash(null, facts.keyHealth.dctReadable, device.platformId)) {
        facts.systemFirmwareValid = false;
      }
    }
    const built = buildDiagnosis(facts, deviceId);
    const diagnosis = { ...built, findings: [...built.findings, ...extra] };
    this.recent.set(deviceId, { at: this.now(), diagnosis, ledPatternId: input.ledPatternId });
    return diagnosis;
  }

  async verify(deviceId: string, input: { timeoutMs: number }, ctx: OperationContext): Promise<VerifyResult> {
    const deadline = this.now() + input.timeoutMs;
    const loggedIn = await this.loggedIn();
    let cloudStatus: VerifyResult['cloudStatus'] = 'unknown';
    let onlineInCloud: boolean | null = null;
    let device: AttachedDevice | null = null;
    let stuck: StuckState | null = null;
    let stuckPolls = 0;
    for (let poll = 0; ; poll++) {
      ctx.throwIfCancelled();
      device = await this.tryFind(deviceId);
      cloudStatus = device?.usbMode === 'normal' ? toCloudStatus(await this.cloudStatus(device, ctx.signal)) : 'unknown';
      if (loggedIn && (cloudStatus === 'connected' || poll % CLOUD_POLL_EVERY === 0)) onlineInCloud = await this.cloudOnline(deviceId);
      if (cloudStatus === 'connected' || (cloudStatus === 'unknown' && onlineInCloud === true)) {
        ctx.progress({ phase: 'verify', step: 'verify', message: describeWait(device, cloudStatus, onlineInCloud) });
        break;
      }
      // Waiting cannot help a device in listening mode or one whose key the cloud rejects: say so now.
      const now = device ? await this.stuckState(device, ctx.signal) : null;
      stuckPolls = now !== null && now === stuck ? stuckPolls + 1 : now !== null ? 1 : 0;
      stuck = now;
      ctx.progress({ phase: 'verify', step: 'verify', message: stuck ? STUCK[stuck].now : describeWait(device, cloudStatus, onlineInCloud) });
      if (stuck && stuckPolls >= STUCK_POLLS) break;
      if (this.now() >= deadline) break;
      await this.sleep(VERIFY_POLL_MS, ctx.signal);
    }
    const led = device ? this.virtualLed(device) : null;
    const connected = cloudStatus === 'connected' || onlineInCloud === true;
    ctx.log('cloud', connected ? 'info' : 'warn', `verify: device ${cloudStatus}, cloud ${onlineInCloud === null ? 'not asked' : onlineInCloud ? 'online' : 'offline'}${stuck && !connected ? `, ${stuck}` : ''}`);
    if (!connected && stuck && stuckPolls >= STUCK_POLLS) {
      return { deviceId, cloudStatus, onlineInCloud, led, message: STUCK[stuck].message, endedBy: stuck, fix: STUCK[stuck].fix };
    }
    const message = verifyMessage(connected, cloudStatus, onlineInCloud, input.timeoutMs);
    return connected
      ? { deviceId, cloudStatus, onlineInCloud, led, message, endedBy: 'connected' }
      : { deviceId, cloudStatus, onlineInCloud, led, message, endedBy: 'timeout', fix: 'Check the LED against the diagnose step, then check again.' };
  }

  /** Listening mode (asked over USB) or a key the cloud rejects (the virtual LED shows it); null otherwise. */
  private async stuckState(device: AttachedDevice, signal: AbortSignal): Promise<StuckState | null> {
    const led = this.virtualLed(device)?.patternId;
    if (led && KEY_REJECTED_LEDS.has(led)) return 'key-rejected';
    if (device.usbMode !== 'normal') return null;
    try {
      return (await this.controlFor(device).deviceMode({ timeoutMs: CONTROL_TIMEOUT_MS, signal })) === 'listening' ? 'listening' : null;
    } catch (error) {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      return null;
    }
  }

  /**
   * The wizard's rescue.start: the planned steps in order, each recorded in a rescue report. Its
   * diagnose step reuses the diagnosis the plan came from (with the key store read) when it is recent.
   */
  async rescue(deviceId: string, steps: WizardStepId[], ctx: OperationContext, options: RescueOptions = {}): Promise<RescueResult> {
    try {
      return await runRescue(
        {
          ...this.deps,
          find: (id) => this.require(id),
          diagnose: (id, c) => this.recentDiagnosis(id) ?? this.run(id, { readDct: false }, c),
          verify: (id, c) => this.verify(id, { timeoutMs: options.verifyTimeoutMs ?? 90_000 }, c),
        },
        deviceId,
        steps,
        ctx,
        // The LED the user picked for the plan is evidence for the key repair too.
        { ...options, ledPatternId: options.ledPatternId ?? this.recent.get(deviceId)?.ledPatternId },
      );
    } finally {
      // After a rescue the old findings describe a device that no longer exists.
      this.recent.delete(deviceId);
    }
  }

  private recentDiagnosis(deviceId: string): Promise<Diagnosis> | null {
    const recent = this.recent.get(deviceId);
    return recent && this.now() - recent.at <= RECENT_DIAGNOSIS_MS ? Promise.resolve(recent.diagnosis) : null;
  }

  /** Null while the device is away (re-enumerating after a reset, unplugged). */
  private async tryFind(deviceId: string): Promise<AttachedDevice | null> {
    try {
      return (await this.deps.devices.find(deviceId)) ?? null;
    } catch (error) {
      if (RescueError.is(error, 'DEVICE_NOT_FOUND')) return null;
      throw error;
    }
  }

  private async require(deviceId: string): Promise<AttachedDevice> {
    const device = await this.deps.devices.find(deviceId);
    if (!device) {
      throw new RescueError('DEVICE_NOT_FOUND', `Device ${deviceId} is not attached.`, 'Plug it in with a data USB cable (not a charge-only one) and try again.');
    }
    return device;
  }

  private virtualLed(device: AttachedDevice): LedState | null {
    if (!device.virtual) return null;
    return this.deps.lab?.get(device.deviceId)?.led() ?? null;
  }

  /** Null when the device cannot say (old Device OS, busy, resetting); cancellation still ends the wait. */
  private async cloudStatus(device: AttachedDevice, signal: AbortSignal): Promise<Awaited<ReturnType<DiagnosisControl['cloudStatus']>> | null> {
    try {
      return await this.controlFor(device).cloudStatus({ timeoutMs: CONTROL_TIMEOUT_MS, signal });
    } catch (error) {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      return null;
    }
  }

  private loggedIn(): Promise<boolean> {
    return this.deps.cloud.session().then((s) => s.loggedIn, () => false);
  }

  /** Device OS before 1.1.0 cannot report its cloud status over USB; the cloud API can, when someone is logged in. */
  private async askCloudApi(deviceId: string, extra: Finding[]): Promise<PlanFacts['cloudStatus']> {
    const online = (await this.loggedIn()) ? await this.cloudOnline(deviceId) : null;
    if (online === null) return 'unknown';
    extra.push({
      id: 'cloud-api',
      source: 'cloud',
      severity: online ? 'ok' : 'info',
      title: `The cloud sees the device ${online ? 'online' : 'offline'}`,
      detail: 'Asked the cloud API because the device cannot report its cloud status over USB.',
    });
    return online ? 'connected' : 'disconnected';
  }

  private async cloudOnline(deviceId: string): Promise<boolean | null> {
    try {
      return (await this.deps.cloud.deviceStatus(deviceId)).online;
    } catch {
      return null;
    }
  }
}
