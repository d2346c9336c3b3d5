import type { Diagnosis, VerifyResult, WizardStepId } from '../../../shared/contract/diagnosis';
import { networkAdvice } from '../../../shared/domain/plan-advice';
import { platformTraits } from '../../../shared/domain/plan-assess';
import { platformById } from '../../../shared/domain/platforms';
import { RescueError, toErrorData } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { FirmwareFile } from '../firmware/inspect';
import type { DiagnosisDfuPort, DiagnosisFirmwarePort, DiagnosisKeysPort, DiagnosisReportsPort, ReportStepRecord } from './ports';

export interface RescueOptions {
  productId?: number;
  /** Reflash steps write these; without them the step is left to the user with advice. */
  firmware?: { os?: FirmwareFile[]; user?: FirmwareFile[] };
  verifyTimeoutMs?: number;
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

type Outcome = Pick<ReportStepRecord, 'status' | 'message'>;

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
  if (!deps.firmware.updateDeviceOs) return { status: 'skipped', message: advice };
  try {
    const result = await deps.firmware.updateDeviceOs(deviceId, {}, ctx);
    const from = result.source === 'cloud' ? 'downloaded and verified' : 'from the verified cache';
    return { status: 'succeeded', message: `Installed Device OS ${result.version} (${result.plan.steps.map((s) => s.fileName).join(', ')}, ${from}); the device restarted and reports every module valid.` };
  } catch (error) {
    if (RescueError.is(error, 'CLOUD_AUTH_REQUIRED') || RescueError.is(error, 'CLOUD_UNREACHABLE') || RescueError.is(error, 'NOT_FOUND')) {
      return { status: 'skipped', message: `${error.message} ${advice}` };
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
      if (!files?.length) return { status: 'skipped', message: NEEDS_YOU + USER_ADVICE };
      await deps.firmware.flash(deviceId, files, ctx);
      return { status: 'succeeded', message: `Flashed and verified ${files.map((f) => f.fileName).join(', ')}.` };
    }
    case 'repair-keys': {
      const result = await deps.keys.repair(deviceId, { serverKey: { kind: 'auto' }, productId: options.productId, preferBackupKey: true }, ctx);
      deps.reports.recordSlots(deviceId, 'before', result.before);
      deps.reports.recordSlots(deviceId, 'after', result.after);
      if (result.backupId) deps.reports.recordBackup(deviceId, { backupId: result.backupId, location: result.keyFile ?? 'the app’s backup folder' });
      return { status: 'succeeded', message: repairMessage(result) };
    }
    case 'wifi': {
      const device = await deps.find(deviceId);
      return { status: 'skipped', message: NEEDS_YOU + networkAdvice(platformTraits(device.platformId)) };
    }
    case 'verify': {
      if ((await deps.find(deviceId)).usbMode === 'dfu') await deps.dfu.leave(deviceId, ctx);
      const result = await deps.verify(deviceId, ctx);
      const connected = result.cloudStatus === 'connected' || result.onlineInCloud === true;
      return { status: connected ? 'succeeded' : 'failed', message: result.message };
    }
  }
}

/**
 * Runs the planned wizard steps in the given order. Each step lands in the rescue report with its
 * result and time; after a failure the remaining steps are recorded as not run, and the report is
 * finished either way so the user can read what happened.
 */
export async function runRescue(deps: RescueDeps, deviceId: string, steps: WizardStepId[], ctx: OperationContext, options: RescueOptions): Promise<{ reportId: string }> {
  const device = await deps.find(deviceId);
  let stoppedBy: string | null = null;
  let cancelled = false;
  const ordered = [...new Set(steps)];
  for (const [index, step] of ordered.entries()) {
    const startedAt = new Date();
    const record = (outcome: Outcome): void => {
      deps.reports.recordStep(deviceId, { name: STEP_NAMES[step], startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), ...outcome });
      ctx.log('app', outcome.status === 'failed' ? 'error' : 'info', `rescue step ${step}: ${outcome.status} — ${outcome.message}`);
    };
    if (stoppedBy) {
      record({ status: cancelled ? 'cancelled' : 'skipped', message: `Not run: ${stoppedBy}.` });
      continue;
    }
    ctx.progress({ phase: step, step, message: `${STEP_NAMES[step]}…` });
    try {
      ctx.throwIfCancelled();
      const outcome = await runStep(step, ordered.slice(index + 1), deps, deviceId, ctx, options);
      record(outcome);
      if (outcome.status === 'failed') stoppedBy = `"${STEP_NAMES[step]}" did not succeed`;
    } catch (error) {
      const data = toErrorData(error);
      cancelled = data.code === 'CANCELLED';
      record({ status: cancelled ? 'cancelled' : 'failed', message: `${data.message} ${data.fix}` });
      stoppedBy = cancelled ? 'the rescue was cancelled' : `"${STEP_NAMES[step]}" failed`;
    }
  }
  const report = await deps.reports.finish(deviceId, { platformName: platformById(device.platformId)?.displayName ?? `platform ${device.platformId}`, virtual: device.virtual });
  if (cancelled) {
    throw new RescueError('CANCELLED', 'The rescue was cancelled; the report shows what was done.', 'Start the rescue again when you are ready.', { reportId: report.reportId });
  }
  return { reportId: report.reportId };
}
