import type { Diagnosis, RescueStepOutcome, VerifyResult, WizardStepId } from '../../../shared/contract/diagnosis';
import { networkAdvice } from '../../../shared/domain/plan-advice';
import { platformTraits } from '../../../shared/domain/plan-assess';
import { platformById } from '../../../shared/domain/platforms';
import { RescueError, toErrorData, type ErrorCode } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { FirmwareFile } from '../firmware/inspect';
import type { DiagnosisDfuPort, DiagnosisFirmwarePort, DiagnosisKeysPort, DiagnosisReportsPort, ReportStepRecord } from './ports';

export interface RescueOptions {
  productId?: number;
  /** Reflash steps write these; without them the step is left to the user with advice. */
  firmware?: { os?: FirmwareFile[]; user?: FirmwareFile[] };
  verifyTimeoutMs?: number;
  /** The LED the user picked: the key repair takes "blinking cyan with red/orange bursts" as evidence. */
  ledPatternId?: string;
}

export interface RescueDeps {
  find(deviceId: string): Promise<AttachedDevice>;
  diagnose(deviceId: string, ctx: OperationContext): Promise<Diagnosis>;
  verify(deviceId: string, ctx: OperationContext): Promise<VerifyResult>;
  dfu: DiagnosisDfuPort;
  keys: DiagnosisKeysPort;
  firmware: DiagnosisFirmwarePort;
  reports: DiagnosisReportsPort;
}

/** A step's own result; `needsYou` marks a skip that leaves work to the user. */
type Outcome = Pick<ReportStepRecord, 'status' | 'message'> & { needsYou?: boolean; fix?: string; code?: ErrorCode };

const STEP_NAMES: Record<WizardStepId, string> = {
  diagnose: 'Diagnose',
  'enter-dfu': 'Enter DFU mode',
  'reflash-os': 'Reinstall Device OS',
  'repair-keys': 'Repair the cloud keys',
  'reflash-user': 'Reinstall the application',
  wifi: 'Network setup',
  verify: 'Verify the cloud connection',
};

const NEEDS_YOU = 'Needs you: ';
const USER_ADVICE = 'choose your application (.bin) or Tinker and run the step again, or run `particle flash --usb tinker` with the Particle CLI.';

function repairMessage(result: Awaited<ReturnType<DiagnosisKeysPort['repair']>>): string {
  if (result.action === 'none-needed' && result.found?.verdict !== 'good') return ['Nothing was written.', ...result.messages].join(' ');
  const head = {
    'none-needed': 'The keys were already healthy; nothing was written.',
    generated: 'A new device key was written and read back.',
    'restored-from-backup': 'The device key was restored from a backup the cloud already knows.',
    'kept-key': 'The server key was rewritten; the device key was kept.',
  }[result.action];
  const upload = { done: ' Its public key is registered with the cloud.', queued: ' The public key upload is queued until the cloud can be reached.', 'not-needed': '' }[result.upload];
  return [head + upload, ...result.messages].join(' ');
}

/** The exact files a Device OS reinstall needs for this platform (firmware-modules.md §5, §7.1). */
export function osFilesNeeded(platformId: number): string {
  const name = platformById(platformId)?.displayName ?? `platform ${platformId}`;
  const parts = platformId === 10 ? 'system-part1, system-part2 and system-part3' : platformId === 6 || platformId === 8 ? 'system-part1 and system-part2' : 'system-part1';
  return `${parts} of one Device OS release for the ${name} (platform ${platformId}), or that release's .zip`;
}

/** No files given: fetch the release through the device's cloud (or the cache); say exactly what is needed otherwise. */
async function reinstallDeviceOs(deps: RescueDeps, deviceId: string, ctx: OperationContext): Promise<Outcome> {
  const { platformId } = await deps.find(deviceId);
  const advice = `${NEEDS_YOU}choose the ${osFilesNeeded(platformId)} and run the step again, or run \`particle update\` with the Particle CLI.`;
  if (!deps.firmware.updateDeviceOs) return { status: 'skipped', needsYou: true, message: advice };
  try {
    const result = await deps.firmware.updateDeviceOs(deviceId, {}, ctx);
    const from = result.source === 'cloud' ? 'downloaded and verified' : 'from the verified cache';
    return { status: 'succeeded', message: `Installed Device OS ${result.version} (${result.plan.steps.map((s) => s.fileName).join(', ')}, ${from}); the device restarted and reports every module valid.` };
  } catch (error) {
    if (RescueError.is(error, 'CLOUD_AUTH_REQUIRED') || RescueError.is(error, 'CLOUD_UNREACHABLE') || RescueError.is(error, 'NOT_FOUND')) {
      return { status: 'skipped', needsYou: true, message: `${error.message} ${advice}` };
    }
    throw error;
  }
}

/** Steps whose service enters DFU mode itself when it needs to. */
const SWITCHES_TO_DFU = new Set<WizardStepId>(['repair-keys', 'reflash-os', 'reflash-user']);

async function runStep(
  step: WizardStepId,
  later: WizardStepId[],
  deps: RescueDeps,
  deviceId: string,
  ctx: OperationContext,
  options: RescueOptions,
): Promise<Outcome> {
  switch (step) {
    case 'diagnose': {
      const diagnosis = await deps.diagnose(deviceId, ctx);
      deps.reports.recordFindings(deviceId, diagnosis.findings);
      return { status: 'succeeded', message: diagnosis.summary };
    }
    case 'enter-dfu': {
      if ((await deps.find(deviceId)).usbMode === 'dfu') return { status: 'skipped', message: 'The device was already in DFU mode.' };
      if (later.some((s) => SWITCHES_TO_DFU.has(s))) {
        // The key repair checks the cloud connection before it switches; switching early would hide that.
        return { status: 'skipped', message: 'The next step switches to DFU mode by itself, in the same session as its writes.' };
      }
      await deps.dfu.enterDfu(deviceId, ctx);
      return { status: 'succeeded', message: 'The device is in DFU mode (blinking yellow).' };
    }
    case 'reflash-os':
    case 'reflash-user': {
      const files = step === 'reflash-os' ? options.firmware?.os : options.firmware?.user;
      if (!files?.length && step === 'reflash-os') return reinstallDeviceOs(deps, deviceId, ctx);
      if (!files?.length) return { status: 'skipped', needsYou: true, message: NEEDS_YOU + USER_ADVICE };
      await deps.firmware.flash(deviceId, files, ctx);
      return { status: 'succeeded', message: `Flashed and verified ${files.map((f) => f.fileName).join(', ')}.` };
    }
    case 'repair-keys': {
      const result = await deps.keys.repair(
        deviceId,
        { serverKey: { kind: 'auto' }, productId: options.productId, preferBackupKey: true, ...(options.ledPatternId ? { ledPatternId: options.ledPatternId } : {}) },
        ctx,
      );
      deps.reports.recordSlots(deviceId, 'before', result.before);
      deps.reports.recordSlots(deviceId, 'after', result.after);
      const backups = result.backups ?? (result.backupId ? [{ backupId: result.backupId, location: 'the app’s backup folder' }] : []);
      for (const backup of backups) deps.reports.recordBackup(deviceId, backup);
      deps.reports.recordKeyRepair?.(deviceId, result);
      return { status: 'succeeded', message: repairMessage(result) };
    }
    case 'wifi': {
      const device = await deps.find(deviceId);
      return { status: 'skipped', needsYou: true, message: NEEDS_YOU + networkAdvice(platformTraits(device.platformId)) };
    }
    case 'verify': {
      if ((await deps.find(deviceId)).usbMode === 'dfu') await deps.dfu.leave(deviceId, ctx);
      const result = await deps.verify(deviceId, ctx);
      const connected = result.cloudStatus === 'connected' || result.onlineInCloud === true;
      if (connected) return { status: 'succeeded', message: result.message };
      return { status: 'failed', message: result.message, fix: result.fix ?? 'Check the LED and run the verify step again.', code: 'TIMEOUT' };
    }
  }
}

function toStepOutcome(step: WizardStepId, outcome: Outcome): RescueStepOutcome {
  const status = outcome.needsYou ? 'needs-you' : outcome.status;
  return { step, status, message: outcome.message, ...(outcome.fix ? { fix: outcome.fix } : {}), ...(outcome.code ? { code: outcome.code } : {}) };
}

/**
 * Runs the planned wizard steps in the given order. Each step lands in the rescue report with its
 * result and time; after a failure the remaining steps are recorded as not run, and the report is
 * finished either way so the user can read what happened. A rescue with a failed step ends as a
 * failed operation (the step's error and fix, with the report id and every step's outcome in its
 * details), so nothing downstream can take it for a success; a cancelled one as cancelled.
 */
export async function runRescue(
  deps: RescueDeps,
  deviceId: string,
  steps: WizardStepId[],
  ctx: OperationContext,
  options: RescueOptions,
): Promise<{ reportId: string; steps: RescueStepOutcome[] }> {
  const device = await deps.find(deviceId);
  let stoppedBy: string | null = null;
  let cancelled = false;
  let failure: { step: WizardStepId; code: ErrorCode; message: string; fix: string } | null = null;
  const outcomes: RescueStepOutcome[] = [];
  const ordered = [...new Set(steps)];
  for (const [index, step] of ordered.entries()) {
    const startedAt = new Date();
    const record = (outcome: Outcome): void => {
      const { status, message } = outcome;
      deps.reports.recordStep(deviceId, { name: STEP_NAMES[step], startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), status, message });
      outcomes.push(toStepOutcome(step, outcome));
      ctx.log('app', status === 'failed' ? 'error' : 'info', `rescue step ${step}: ${outcome.needsYou ? 'needs you' : status} — ${message}`);
    };
    if (stoppedBy) {
      record({ status: cancelled ? 'cancelled' : 'skipped', message: `Not run: ${stoppedBy}.` });
      if (!cancelled) outcomes[outcomes.length - 1].status = 'not-run';
      continue;
    }
    ctx.progress({ phase: step, step, message: `${STEP_NAMES[step]}…` });
    try {
      ctx.throwIfCancelled();
      const outcome = await runStep(step, ordered.slice(index + 1), deps, deviceId, ctx, options);
      record(outcome);
      if (outcome.status === 'failed') {
        stoppedBy = `"${STEP_NAMES[step]}" did not succeed`;
        failure = { step, code: outcome.code ?? 'TIMEOUT', message: outcome.message, fix: outcome.fix ?? 'Run the step again.' };
      }
    } catch (error) {
      const data = toErrorData(error);
      cancelled = data.code === 'CANCELLED';
      record({ status: cancelled ? 'cancelled' : 'failed', message: `${data.message} ${data.fix}`, fix: data.fix, code: data.code });
      if (!cancelled) outcomes[outcomes.length - 1].message = data.message;
      stoppedBy = cancelled ? 'the rescue was cancelled' : `"${STEP_NAMES[step]}" failed`;
      if (!cancelled) failure = { step, code: data.code, message: data.message, fix: data.fix };
    }
  }
  const report = await deps.reports.finish(deviceId, { platformName: platformById(device.platformId)?.displayName ?? `platform ${device.platformId}`, virtual: device.virtual });
  const details = { reportId: report.reportId, steps: outcomes };
  if (cancelled) {
    throw new RescueError('CANCELLED', 'The rescue was cancelled; the report shows what was done.', 'Start the rescue again when you are ready.', details);
  }
  if (failure) {
    ctx.log('app', 'error', `rescue stopped at step ${failure.step}: ${failure.code}`);
    throw new RescueError(failure.code, `“${STEP_NAMES[failure.step]}” failed: ${failure.message}`, failure.fix, { ...details, failedStep: failure.step });
  }
  const left = outcomes.filter((o) => o.status === 'needs-you').map((o) => o.step);
  ctx.log('app', 'info', left.length > 0 ? `rescue steps done; left to the user: ${left.join(', ')}` : 'rescue steps all done');
  return details;
}
