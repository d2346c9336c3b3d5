import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Diagnosis } from '../../../shared/contract/diagnosis';
import { findLedPattern } from '../../../shared/domain/led-catalog';
import { RescueError } from '../../../shared/errors';
import type { Services } from '../../services/container';
import type { FirmwareFile } from '../../services/firmware/inspect';
import { stringFlag } from '../args';
import type { CliCommand, CliEnv, ParsedArgs } from '../types';

/** Prints each new progress message of the running operation, indented under the step. */
function printProgress(services: Services, env: CliEnv): () => void {
  let last = '';
  return services.bus.subscribe((event, payload) => {
    const message = event === 'operations.progress' ? (payload as { message: string }).message : last;
    if (message !== last) env.print(`    ${(last = message)}`);
  });
}

async function readFiles(list: string | undefined): Promise<FirmwareFile[] | undefined> {
  if (!list) return undefined;
  const files: FirmwareFile[] = [];
  for (const path of list.split(',').filter(Boolean)) {
    const data = await readFile(path).catch((error: unknown) => {
      throw new RescueError('FILE_ERROR', `Could not read ${path}: ${(error as Error).message}.`, 'Check the file name and that you may read it.');
    });
    files.push({ fileName: basename(path), data: new Uint8Array(data) });
  }
  return files;
}

function ledFlag(args: ParsedArgs): string | undefined {
  const led = stringFlag(args, 'led');
  if (led !== undefined && !findLedPattern(led)) {
    throw new RescueError('INVALID_INPUT', `"${led}" is not an LED pattern this app knows.`, 'Examples: breathing-cyan, cyan-red-burst, blinking-blue, blinking-yellow, breathing-magenta, sos.');
  }
  return led;
}

function productFlag(args: ParsedArgs): number | undefined {
  const raw = stringFlag(args, 'product');
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw new RescueError('INVALID_INPUT', `--product needs a product id number, got "${raw}".`, 'Example: --product 12345');
  return Number(raw);
}

/** `--timeout <seconds>`: how long a verify waits for the cloud connection. */
function timeoutFlag(args: ParsedArgs, fallbackSeconds: number): number {
  const raw = stringFlag(args, 'timeout') ?? String(fallbackSeconds);
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600) {
    throw new RescueError('INVALID_INPUT', `--timeout needs whole seconds between 1 and 600, got "${raw}".`, 'Example: --timeout 90');
  }
  return seconds;
}

export function formatDiagnosis(d: Diagnosis): string[] {
  const width = Math.max(...d.plan.map((p) => p.title.length));
  return [
    d.summary,
    `  Likely cause: ${d.cause}`,
    `  Why: ${d.why}`,
    '',
    'Findings:',
    ...d.findings.map((f) => `  [${f.severity}] ${f.title}: ${f.detail}`),
    '',
    'Plan:',
    ...d.plan.map((p) => `  ${p.action.padEnd(6)} ${p.title.padEnd(width)}  ${p.reason}`),
  ];
}

export const rescueCommand: CliCommand = {
  name: 'rescue',
  summary: 'Diagnose a device, show the plan and run it (keys, Device OS, application, verify); a report tells what happened.',
  usage: 'rescue [deviceId] [--led <pattern>] [--os <file,file…>] [--app <file>] [--product N] [--timeout <seconds to wait for the cloud>] [--dry-run] [--json] [--virtual <scenario>]',
  options: { led: 'string', os: 'string', app: 'string', product: 'string', timeout: 'string', 'dry-run': 'boolean' },
  async run(args, env) {
    const ledPatternId = ledFlag(args);
    const productId = productFlag(args);
    const verifyTimeoutMs = timeoutFlag(args, 90) * 1000;
    const firmware = { os: await readFiles(stringFlag(args, 'os')), user: await readFiles(stringFlag(args, 'app')) };
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    const stop = printProgress(services, env);
    try {
      const diagnosis = await services.operations.run('diagnose', deviceId, (ctx) => services.diagnosis.run(deviceId, { ledPatternId, readDct: true }, ctx));
      for (const line of formatDiagnosis(diagnosis)) env.print(line);
      const manual = diagnosis.plan.filter((p) => p.action === 'manual');
      // Verifying before the user did the manual steps would only wait for a connection that cannot come.
      const steps = diagnosis.plan.filter((p) => p.action === 'run' && !(p.step === 'verify' && manual.length > 0)).map((p) => p.step);
      const later = manual.length > 0 ? `Then do the steps marked manual above and run \`particle-rescue verify ${deviceId}\`.` : null;
      if (args.flags['dry-run'] === true || steps.every((s) => s === 'diagnose')) {
        if (env.json) env.printJson({ diagnosis, report: null });
        if (later) {
          env.print('');
          env.print(later.replace(/^Then do/, 'Do'));
        }
        return manual.length > 0 && args.flags['dry-run'] !== true ? 1 : 0;
      }
      env.print('');
      env.print(`Running: ${steps.join(' → ')}`);
      // A rescue that stops at a failed step fails as an operation; its report still tells every step.
      const reportId = await services.operations
        .run('rescue', deviceId, (ctx) => services.diagnosis.rescue(deviceId, steps, ctx, { productId, firmware, verifyTimeoutMs, ...(ledPatternId ? { ledPatternId } : {}) }))
        .then(
          (r) => r.reportId,
          (error: unknown) => {
            const id = error instanceof RescueError ? error.details?.reportId : undefined;
            if (typeof id !== 'string') throw error;
            env.print(`${error instanceof RescueError ? `${error.message} ${error.fix}` : ''}`);
            return id;
          },
        );
      const report = await services.reports.get(reportId);
      if (env.json) env.printJson({ diagnosis, report });
      env.print('');
      env.print(report.whatHappened);
      for (const step of report.steps) env.print(`  ${step.status.padEnd(9)} ${step.name}: ${step.message}`);
      env.print(`Report ${reportId} (particle-rescue report ${reportId})`);
      if (later) {
        env.print(later);
        return 1;
      }
      return report.outcome === 'rescued' || report.outcome === 'nothing-to-do' ? 0 : 1;
    } finally {
      stop();
    }
  },
};

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Wait until a device is connected to the cloud (control request 300, and the cloud API when logged in).',
  usage: 'verify [deviceId] [--timeout <seconds>] [--json] [--virtual <scenario>]',
  options: { timeout: 'string' },
  async run(args, env) {
    const seconds = timeoutFlag(args, 60);
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    const result = await services.operations.run('verify', deviceId, (ctx) => services.diagnosis.verify(deviceId, { timeoutMs: seconds * 1000 }, ctx));
    if (env.json) env.printJson(result);
    env.print(result.message);
    return result.cloudStatus === 'connected' || result.onlineInCloud === true ? 0 : 1;
  },
};

export const commands: CliCommand[] = [rescueCommand, verifyCommand];
