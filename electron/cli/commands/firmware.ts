import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { RescueError } from '../../../shared/errors';
import type { FileProblem, FlashPlan, InspectResult, ModuleInfo } from '../../../shared/contract/firmware';
import { DeviceIdSchema } from '../../../shared/domain';
import { inspectFiles, printable, toInspectResult, type FirmwareFile } from '../../services/firmware/inspect';
import { platformName } from '../../services/firmware/flash-slots';
import { describeModule, hex } from '../../services/firmware/module-format';
import type { OperationContext } from '../../services/operations/operation-runner';
import type { CliCommand, CliEnv } from '../types';

export async function readFiles(paths: string[]): Promise<FirmwareFile[]> {
  if (paths.length === 0) throw new RescueError('INVALID_INPUT', 'No firmware files given.', 'Name one or more .bin files or a Device OS release .zip.');
  return Promise.all(
    paths.map(async (path) => {
      const data = await readFile(path).catch((error: unknown) => {
        throw new RescueError('FILE_ERROR', `Could not read ${path}: ${(error as Error).message}.`, 'Check the file name and that you may read it.');
      });
      return { fileName: basename(path), data: new Uint8Array(data) };
    }),
  );
}

function crcText(m: ModuleInfo): string {
  if (!m.crcOk) return 'CRC BAD';
  return m.crcCoverage === 'whole-file' ? 'CRC matches only over the padded file (warning: not at its end address)' : 'CRC ok';
}

function moduleLine(m: ModuleInfo): string {
  const deps = m.dependencies.map((d) => `${describeModule(d.function, d.index)} ≥ v${d.version}`).join(', ') || 'none';
  const sha = m.sha256Ok === null ? 'no hash' : m.sha256Ok ? 'SHA-256 ok' : 'SHA-256 BAD';
  return [
    `  ${printable(m.fileName)}: ${describeModule(m.function, m.index)} v${m.version}, ${platformName(m.platformId)} (platform ${m.platformId})`,
    `    ${hex(m.startAddress)}–${hex(m.endAddress)} (${m.size} bytes), ${crcText(m)}, ${sha}`,
    `    depends on: ${deps}`,
  ].join('\n');
}

function problemLines(title: string, problems: FileProblem[]): string[] {
  return problems.flatMap((p) => [`  ${title} (${p.code}): ${printable(p.message)}`, `    what to do: ${p.fix}`]);
}

function printInspect(result: InspectResult, env: CliEnv): void {
  for (const file of result.files) {
    env.print(printable(file.fileName));
    for (const m of file.modules) env.print(moduleLine(m));
    for (const line of problemLines('problem', file.problems)) env.print(line);
  }
}

function printPlan(plan: FlashPlan, env: CliEnv): void {
  env.print(`Plan for ${plan.deviceId} (${platformName(plan.platformId)}, platform ${plan.platformId}):`);
  for (const b of plan.backupFirst) env.print(`  back up ${b.what}: ${hex(b.address)}, ${b.length} bytes`);
  for (const r of plan.invalidateFirst) env.print(`  clear ${r.what}: ${hex(r.address)}, ${r.length} bytes`);
  plan.steps.forEach((s, i) => env.print(`  ${i + 1}. ${s.label} via ${s.route === 'dfu' ? `DFU alt ${s.alt}` : 'control requests'} (${printable(s.fileName)}, ${s.length} bytes)`));
  env.print(plan.outcome);
  const lines = [...problemLines('problem', plan.problems), ...problemLines('needs your consent', plan.consent), ...problemLines('warning', plan.warnings)];
  for (const line of lines) env.print(line);
}

const inspect: CliCommand = {
  name: 'inspect',
  summary: 'Read firmware module headers (.bin or Device OS .zip): addresses, versions, dependencies, CRC and SHA checks.',
  usage: 'inspect FILE… [--json]',
  async run(args, env) {
    if (args.positionals.length === 0) throw new RescueError('INVALID_INPUT', 'No firmware files given.', 'Name one or more .bin files or a Device OS release .zip.');
    // Each file is read on its own: one that cannot be read is reported next to the others' results.
    const read = await Promise.all(args.positionals.map((path) => readFiles([path]).then(([f]) => f, (error: unknown) => ({ path, error: error as RescueError }))));
    const result = toInspectResult(inspectFiles(read.filter((r): r is FirmwareFile => 'data' in r)));
    const unreadable = read.filter((r): r is { path: string; error: RescueError } => 'error' in r);
    result.files.push(...unreadable.map(({ path, error }) => ({ fileName: basename(path), modules: [], problems: [{ code: error.code, message: error.message, fix: error.fix }] })));
    if (env.json) env.printJson(result);
    else printInspect(result, env);
    return result.files.some((f) => f.problems.length > 0) ? 1 : 0;
  },
};

const flash: CliCommand = {
  name: 'flash',
  summary: 'Show the plan, back up, then flash firmware modules over DFU with read-back verification and a whole-device check after the restart (--dry-run: the plan only; --allow-downgrade: consent to an older Device OS or an app left in safe mode).',
  usage: 'flash <deviceId> FILE… [--dry-run] [--allow-downgrade] [--json] [--virtual <scenario>]',
  options: { 'dry-run': 'boolean', 'allow-downgrade': 'boolean' },
  async run(args, env) {
    const { deviceId, paths } = await deviceAndPaths(args.positionals, env);
    return planThenFlash(await env.services(), deviceId, await readFiles(paths), env, args.flags);
  },
};

/** `<deviceId> FILE…` where the ID may be left out (`--virtual` or a single attached device picks it). */
export async function deviceAndPaths(positionals: string[], env: CliEnv): Promise<{ deviceId: string; paths: string[] }> {
  const [first, ...rest] = positionals;
  const hasId = first !== undefined && DeviceIdSchema.safeParse(first.toLowerCase()).success;
  return { deviceId: await env.deviceId(hasId ? first : undefined), paths: hasId ? rest : positionals };
}

/**
 * Prints the plan before anything is written; refuses (exit 1) a plan with problems, or one that needs consent
 * without --allow-downgrade; then flashes with one progress line per module step. Shared by flash and update.
 */
export async function planThenFlash(
  services: Awaited<ReturnType<CliEnv['services']>>,
  deviceId: string,
  files: FirmwareFile[],
  env: CliEnv,
  flags: Record<string, string | boolean>,
): Promise<number> {
  const allowDowngrade = flags['allow-downgrade'] === true;
  const plan = await services.firmware.plan(deviceId, files);
  if (flags['dry-run']) {
    if (env.json) env.printJson(plan);
    else printPlan(plan, env);
    return plan.problems.length > 0 ? 1 : 0;
  }
  if (!env.json) printPlan(plan, env);
  if (plan.problems.length > 0 || (plan.consent.length > 0 && !allowDowngrade)) {
    if (env.json) env.printJson(plan);
    else if (plan.problems.length === 0) env.print('Nothing was written. Run the command again with --allow-downgrade to go ahead with the points above marked "needs your consent".');
    return 1;
  }
  return runWithProgress(services, deviceId, env, 'flash', async (ctx) => {
    const result = await services.firmware.flash(deviceId, files, ctx, { allowDowngrade });
    if (env.json) env.printJson(result);
    else {
      env.print(result.backupId ? `Previous firmware backed up as ${result.backupId}.` : 'Nothing needed a backup.');
      env.print(result.confirmation === 'confirmed' ? 'The device restarted and reports every module valid.' : 'Written and verified; the device could not report its modules.');
    }
    return 0;
  });
}

/** Runs an operation, printing one line per module step and phase (not per block) in human mode. */
export async function runWithProgress<T>(
  services: Awaited<ReturnType<CliEnv['services']>>,
  deviceId: string,
  env: CliEnv,
  kind: Parameters<Awaited<ReturnType<CliEnv['services']>>['operations']['run']>[0],
  work: (ctx: OperationContext) => Promise<T>,
): Promise<T> {
  let last = '';
  const stop = services.bus.subscribe((event, payload) => {
    const p = payload as { message?: string; deviceId?: string | null };
    if (event !== 'operations.progress' || p.deviceId !== deviceId || !p.message || env.json) return;
    const line = p.message.replace(/: \d+%.*$/, '');
    if (line !== last) env.print(line);
    last = line;
  });
  try {
    return await services.operations.run(kind, deviceId, work);
  } finally {
    stop();
  }
}

export const commands: CliCommand[] = [inspect, flash];
