import { RescueError } from '../../../shared/errors';
import type { FlashPlan, FlashResult, InspectResult, RestoreFirmwareResult } from '../../../shared/contract/firmware';
import type { DeviceModuleInfo } from '../control/module-info';
import type { OperationLog } from '../operations/operation-log';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import { backUpRegions, readLayout } from './firmware-backup';
import type { FirmwareBackups, FirmwareDevices, FirmwareDfu, FlashSession } from './firmware-ports';
import { planFlash, type ExecutableStep, type PlannedFlash } from './flash-plan';
import { inspectFiles, toInspectResult, type FirmwareFile } from './inspect';
import { confirmModules } from './confirm-modules';
import { readDfuInventory } from './dfu-inventory';
import { verifyRelease, type CloudAccess, type DeviceOsRelease, type DeviceOsStore } from './device-os-store';
import { isZip } from './zip-reader';
import { describeModule } from './module-format';

export interface FirmwareServiceDeps {
  dfu: FirmwareDfu;
  devices: FirmwareDevices;
  backups: FirmwareBackups;
  opLog: OperationLog;
  /** How long to wait for the device to come back in normal mode after leaving DFU. */
  reenumerateTimeoutMs?: number;
  /** Device OS downloads: the verified cache in the data folder and the device's signed-in cloud (null: not signed in). */
  deviceOs?: { store: DeviceOsStore; access(deviceId: string): Promise<CloudAccess | null> };
}

type Phase = 'enter-dfu' | 'backup' | 'invalidate' | 'download' | 'verify' | 'leave';

/** Where a flash or restore is, so an interruption can say what state it left the device in. */
interface Track {
  phase: Phase;
  current: string;
  backupId: string | null;
}

/**
 * Inspect, plan and flash Particle firmware modules: every check runs before the device is touched, the
 * current firmware is backed up over DFU first, every module is verified by read-back, and the device's own
 * module report confirms the result once it has restarted.
 */
export class FirmwareService {
  constructor(private readonly deps: FirmwareServiceDeps) {
    deps.backups.registerRestorer?.('firmware', (backup, ctx) => this.restoreFirmware(backup.backupId, ctx));
  }

  inspect(files: FirmwareFile[]): InspectResult {
    return toInspectResult(inspectFiles(files));
  }

  async plan(deviceId: string, files: FirmwareFile[], signal?: AbortSignal): Promise<FlashPlan> {
    try {
      return (await this.prepare(deviceId, files, quietContext(deviceId, signal))).planned.plan;
    } finally {
      // A plan on its own leaves the device as it was: in DFU mode, but with its interface released.
      await this.deps.dfu.closeSession?.(deviceId);
    }
  }

  /**
   * `allowDowngrade` is the user's consent to what plan.consent lists (an older Device OS, an app left in safe
   * mode); without it such a flash is refused before anything is written.
   */
  async flash(deviceId: string, files: FirmwareFile[], ctx: OperationContext, options: { allowDowngrade?: boolean } = {}): Promise<FlashResult> {
    const { planned, device } = await this.prepare(deviceId, files, ctx);
    const { plan } = planned;
    try {
      if (plan.problems.length > 0) throw refusal(plan.problems);
      if (plan.consent.length > 0 && !options.allowDowngrade) throw consentNeeded(plan);
    } catch (error) {
      await this.deps.dfu.closeSession?.(deviceId);
      throw error;
    }
    for (const c of plan.consent) ctx.log('firmware', 'warn', `accepted by the user: ${c.message}`);
    ctx.progress({ phase: 'plan', message: plan.outcome });
    for (const w of plan.warnings) ctx.log('firmware', 'warn', w.message);

    const track = await this.inSession(deviceId, ctx, async (session, track) => {
      track.phase = 'backup';
      const reason = `before flashing ${files.map((f) => f.fileName).join(', ')}`;
      track.backupId = await backUpRegions(session, this.deps.backups, { deviceId, platformId: device.platformId, reason }, planned.backups, ctx);
      track.phase = 'invalidate';
      for (const region of plan.invalidateFirst) {
        track.current = region.what;
        const blank = new Uint8Array(region.length).fill(0xff);
        await session.write(region.alt, region.address, blank, { erase: true, signal: ctx.signal });
        await session.verify(region.alt, region.address, blank, undefined, ctx.signal);
      }
      await this.writeSteps(session, planned.steps, ctx, track);
    });
    const { backupId } = track;

    const modules = await this.modulesAfterRestart(deviceId, ctx);
    if (modules === null) {
      ctx.log('firmware', 'warn', 'the device does not answer module-info requests; the flash was verified by read-back only');
      return { plan, backupId, modules: null, confirmation: 'unconfirmed' };
    }
    const confirmed = confirmModules(plan.steps.map((s) => s.module), modules, device.platformId);
    if (confirmed.problem) {
      const failing = confirmed.modules.filter((m) => !m.valid);
      throw new RescueError('VERIFY_MISMATCH', `Every module was written and verified, but the device is not healthy. ${confirmed.problem}`, confirmed.fix, { backupId, modules: confirmed.modules, failing });
    }
    ctx.progress({ phase: 'done', message: `The device reports every module valid: ${plan.outcome}` });
    return { plan, backupId, modules: confirmed.modules, confirmation: 'confirmed' };
  }

  /** The verified Device OS release (system parts) for this device's platform: cache first, else the device's cloud. */
  async deviceOsRelease(deviceId: string, version: string, signal?: AbortSignal): Promise<DeviceOsRelease> {
    const device = await this.deps.devices.find(deviceId);
    const deviceOs = this.deps.deviceOs;
    if (!deviceOs) throw new RescueError('CLOUD_AUTH_REQUIRED', 'Device OS downloads are not available here.', 'Pick the Device OS files or release zip yourself.');
    return deviceOs.store.get(device.platformId, version, await deviceOs.access(deviceId), signal);
  }

  /**
   * Device OS for this device, like `particle update`: the release's system parts fetched through the cloud's
   * Device OS versions API (or from the cache offline, or the files the user picked), verified, then flashed
   * with the same plan, consent and whole-device confirmation as any flash.
   */
  async updateDeviceOs(
    deviceId: string,
    request: { version?: string; files?: FirmwareFile[]; allowDowngrade?: boolean },
    ctx: OperationContext,
  ): Promise<FlashResult & { version: string; source: 'cloud' | 'cache' | 'files' }> {
    const device = await this.deps.devices.find(deviceId);
    const version = request.version ?? 'latest';
    let files = request.files;
    let source: 'cloud' | 'cache' | 'files' = 'files';
    let resolved = version;
    if (!files || files.length === 0) {
      ctx.progress({ phase: 'download-os', message: `Getting Device OS ${version} for this device` });
      const release = await this.deviceOsRelease(deviceId, version, ctx.signal);
      ctx.log('firmware', 'info', `Device OS ${release.version} (${release.files.map((f) => f.fileName).join(', ')}) from the ${release.source === 'cloud' ? 'cloud, verified and cached' : 'cache, verified'}`);
      files = release.files;
      source = release.source;
      resolved = release.version;
    } else {
      const problems = verifyRelease(device.platformId, files.filter((f) => !isZip(f.data)));
      if (problems.length > 0) throw refusal(problems);
    }
    const result = await this.flash(deviceId, files, ctx, { allowDowngrade: request.allowDowngrade });
    return { ...result, version: resolved, source };
  }

  /** Writes the valid modules of a firmware backup back where they came from, verified by read-back. */
  async restoreFirmware(backupId: string, ctx: OperationContext): Promise<RestoreFirmwareResult> {
    const summary = await this.deps.backups.get(backupId);
    if (summary.kind !== 'firmware') throw new RescueError('INVALID_INPUT', `Backup ${backupId} holds ${summary.kind}, not firmware.`, 'Restore it from the keys page instead.');
    const layout = await readLayout(this.deps.backups, backupId);
    const files = await Promise.all(
      layout.entries.filter((e) => e.restorable).map(async (e) => ({ fileName: e.name, data: await this.deps.backups.read(backupId, e.name) })),
    );
    if (files.length === 0) return { backupId, restored: [] };
    // The same checks as any flash: the right platform, intact images, dependencies the device still meets.
    const { planned } = await this.prepare(summary.deviceId, files, ctx);
    if (planned.plan.problems.length > 0) throw refusal(planned.plan.problems);
    const steps = planned.steps;
    let safetyBackupId: string | null = null;
    await this.inSession(summary.deviceId, ctx, async (session, track) => {
      // What the restore overwrites is backed up first, like any flash: a restore can be undone too.
      track.phase = 'backup';
      const target = { deviceId: summary.deviceId, platformId: summary.platformId, reason: `before restoring backup ${backupId}` };
      safetyBackupId = await backUpRegions(session, this.deps.backups, target, planned.backups, ctx);
      track.backupId = safetyBackupId;
      await this.writeSteps(session, steps, ctx, track);
    });
    await this.modulesAfterRestart(summary.deviceId, ctx);
    return { backupId, safetyBackupId, restored: steps.map((s) => ({ name: s.step.fileName, address: s.step.address, length: s.step.length })) };
  }

  private async prepare(deviceId: string, files: FirmwareFile[], ctx: OperationContext): Promise<{ planned: PlannedFlash; device: AttachedDevice }> {
    const device = await this.deps.devices.find(deviceId);
    const inspected = inspectFiles(files);
    // Everything that can be decided from the files alone is decided before any request reaches the device.
    const offline = planFlash({ deviceId, platformId: device.platformId, inspected, installed: null });
    if (offline.plan.problems.length > 0) return { planned: offline, device };
    const installed = await this.inventory(device, ctx);
    return { planned: planFlash({ deviceId, platformId: device.platformId, inspected, installed }), device };
  }

  /** The device's modules in any mode: module-info request in normal mode, its flash read over DFU in DFU mode. */
  async inventory(device: AttachedDevice, ctx: OperationContext): Promise<DeviceModuleInfo[] | null> {
    if (device.usbMode === 'normal') return this.tryReadModules(device, ctx.signal);
    if (device.usbMode !== 'dfu') return null;
    try {
      const session = await this.deps.dfu.openSession(device.deviceId, ctx);
      return await readDfuInventory(session, device.platformId, ctx.signal);
    } catch (error) {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      this.deps.opLog.write('firmware', 'warn', `modules could not be read over DFU: ${error instanceof Error ? error.message : String(error)}`, { deviceId: device.deviceId });
      return null;
    }
  }

  private async tryReadModules(device: AttachedDevice, signal?: AbortSignal): Promise<DeviceModuleInfo[] | null> {
    try {
      return await this.deps.devices.control(device).moduleInfo({ signal });
    } catch (error) {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      this.deps.opLog.write('firmware', 'warn', `module info unavailable: ${error instanceof Error ? error.message : String(error)}`, { deviceId: device.deviceId });
      return null;
    }
  }

  /** Opens DFU, runs `work`, leaves DFU; a failure anywhere is explained by where it happened. */
  private async inSession(deviceId: string, ctx: OperationContext, work: (session: FlashSession, track: Track) => Promise<void>): Promise<Track> {
    const track: Track = { phase: 'enter-dfu', current: '', backupId: null };
    let session: FlashSession | null = null;
    try {
      ctx.progress({ phase: 'enter-dfu', message: 'Opening the device in DFU mode' });
      session = await this.deps.dfu.openSession(deviceId, ctx);
      await work(session, track);
      track.phase = 'leave';
      track.current = '';
      ctx.progress({ phase: 'leave', message: 'Leaving DFU mode; the device restarts into its new firmware' });
      await session.leave(ctx.signal);
    } catch (error) {
      await session?.close().catch(() => undefined);
      throw interrupted(error, track);
    }
    return track;
  }

  private async writeSteps(session: FlashSession, steps: ExecutableStep[], ctx: OperationContext, track: Track): Promise<void> {
    const total = steps.reduce((n, s) => n + 2 * s.image.length, 0);
    let done = 0;
    const started = Date.now();
    for (const [i, { step, image }] of steps.entries()) {
      ctx.throwIfCancelled();
      const label = `${step.label} (${i + 1}/${steps.length})`;
      const report = (phase: 'download' | 'verify', verb: string) => (p: { bytesDone: number; bytesTotal: number }) =>
        ctx.progress({
          phase,
          message: `${verb} ${label}: ${Math.floor((100 * p.bytesDone) / Math.max(1, p.bytesTotal))}%${timeLeft(started, done + p.bytesDone, total)}`,
          bytesDone: done + p.bytesDone,
          bytesTotal: total,
        });
      track.phase = 'download';
      track.current = label;
      await session.write(step.alt, step.address, image, { erase: true, onProgress: report('download', 'Writing'), signal: ctx.signal });
      done += image.length;
      track.phase = 'verify';
      await session.verify(step.alt, step.address, image, report('verify', 'Verifying'), ctx.signal);
      done += image.length;
      ctx.log('firmware', 'info', `${step.label}: written and verified (${image.length} bytes)`);
    }
  }

  /** Waits for the restart into normal mode and asks for the module list; null if the firmware cannot answer. */
  private async modulesAfterRestart(deviceId: string, ctx: OperationContext): Promise<DeviceModuleInfo[] | null> {
    ctx.progress({ phase: 'confirm', message: 'Waiting for the device to restart' });
    let device: AttachedDevice;
    try {
      device = await this.deps.devices.waitFor(deviceId, 'normal', { timeoutMs: this.deps.reenumerateTimeoutMs ?? 30_000, signal: ctx.signal });
    } catch (error) {
      if (RescueError.is(error, 'CANCELLED')) throw error;
      const stuck = await this.deps.devices.find(deviceId).catch(() => null);
      const failing = stuck?.usbMode === 'dfu' ? ((await this.inventory(stuck, ctx).catch(() => null)) ?? []).filter((m) => !m.valid) : [];
      if (failing.length > 0) {
        const names = failing.map((m) => `${describeModule(m.function, m.index)} v${m.version}`).join(', ');
        throw new RescueError(
          'VERIFY_MISMATCH',
          `Every module was written and verified, but the device restarted into DFU mode: ${names} ${failing.length > 1 ? 'fail' : 'fails'} the bootloader's checks.`,
          'Flash the complete Device OS release for this platform (every system part), then the app.',
          { deviceId, failing },
        );
      }
      throw new RescueError(
        'DEVICE_GONE',
        'Every module was written and verified, but the device did not come back in normal mode.',
        'If it blinks yellow it is still in DFU mode: its Device OS may be incomplete, so flash the full Device OS set. Otherwise unplug and replug it.',
        { deviceId },
      );
    }
    return this.tryReadModules(device, ctx.signal);
  }
}

/** ", about 40 s left" from the rate so far (measured, not assumed); empty until there is something to go on. */
export function timeLeft(startedAt: number, done: number, total: number, now = Date.now()): string {
  const elapsed = now - startedAt;
  if (done <= 0 || done >= total || elapsed < 500) return '';
  const seconds = Math.ceil(((total - done) * elapsed) / done / 1000);
  return seconds >= 90 ? `, about ${Math.round(seconds / 60)} min left` : `, about ${seconds} s left`;
}

/** A context for work outside a running operation (a plan): no progress events, logs go nowhere. */
function quietContext(deviceId: string, signal?: AbortSignal): OperationContext {
  const own = signal ?? new AbortController().signal;
  return {
    operationId: 'plan',
    deviceId,
    signal: own,
    progress: () => undefined,
    log: () => undefined,
    throwIfCancelled: () => {
      if (own.aborted) throw new RescueError('CANCELLED', 'Cancelled.', 'Start again when ready.');
    },
  };
}

function consentNeeded(plan: FlashPlan): RescueError {
  const list = plan.consent.map((c) => c.message).join(' ');
  return new RescueError(
    'CONSENT_REQUIRED',
    `Nothing was written. This flash needs your consent first: ${list}`,
    'Review the plan. To go ahead anyway, confirm it in the app or run the command again with --allow-downgrade.',
    { consent: plan.consent },
  );
}

function refusal(problems: FlashPlan['problems']): RescueError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new RescueError(first.code as RescueError['code'], `${first.message}${more}`, first.fix, { problems });
}

/** A failure mid-flash: say what state the device is in and that re-running the same flash finishes it. */
function interrupted(error: unknown, { phase, current, backupId }: Track): unknown {
  if (!(error instanceof RescueError)) return error;
  const where: Record<Phase, string> = {
    'enter-dfu': 'while switching to DFU mode; nothing was written',
    backup: 'while backing up; nothing was written yet',
    invalidate: 'while clearing the old user firmware slot',
    download: `while writing ${current}; that module is incomplete, so the device may start in DFU or safe mode`,
    verify: `while verifying ${current}`,
    leave: 'after everything was written and verified, while leaving DFU mode',
  };
  const backup = backupId ? ` Your previous firmware is in backup ${backupId}.` : '';
  return new RescueError(
    error.code,
    `${error.message} (${where[phase]}).${backup}`,
    `${error.fix} Then run the same flash again: it picks up from whatever state the device is in.`,
    { ...error.details, phase, module: current || null, backupId },
  );
}
