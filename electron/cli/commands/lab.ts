import { SCENARIOS, scenarioDef } from '../../lab/scenarios/catalogue';
import { labRequest, labStatus } from '../../lab/service/lab-client';
import { labUsageError, pidAlive, readLabRecord, resolveLabDir } from '../../lab/service/lab-files';
import { type LabStatus, LabService, unknownScenarioError } from '../../lab/service/lab-service';
import { loadLabState, removeLabState, saveLabState } from '../../lab/service/lab-state';
import { defaultDataDir } from '../../services/app-paths';
import { stringFlag } from '../args';
import type { CliCommand, CliEnv, ParsedArgs } from '../types';

const USAGE = [
  'lab list [--json]',
  'lab start [scenario…] [--timing fast|realistic] [--lab-dir <folder>] [--json]',
  'lab status | lab stop [--lab-dir <folder>] [--json]',
  'lab reset [scenario] [--lab-dir <folder>]',
].join('\n       particle-rescue ');

/** The lab folder a `lab …` command acts on: --lab-dir, --lab <dir>, PARTICLE_RESCUE_LAB_DIR, or <data>/lab. */
export function labDirOf(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  const given = stringFlag(args, 'lab-dir') || stringFlag(args, 'lab') || undefined;
  return resolveLabDir(stringFlag(args, 'data-dir') ?? defaultDataDir(env), given, env);
}

function printStatus(env: CliEnv, status: LabStatus, headline: string): void {
  if (env.json) {
    env.printJson(status);
    return;
  }
  env.print(headline);
  env.print(`  lab ${status.labId}, pid ${status.pid}, ${status.timing} timing, cloud API ${status.cloudBaseUrl}`);
  if (status.devices.length === 0) env.print('  no virtual devices (add one: `lab reset <scenario>`)');
  for (const d of status.devices) env.print(`  ${d.deviceId}  ${d.scenario.padEnd(20)} ${d.mode.padEnd(9)} LED ${d.led}${d.cloudOnline ? ', online' : ''}`);
}

function waitForSignal(service: LabService): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => void service.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    void service.stopped.then(() => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    });
  });
}

/** Runs the lab service in the foreground until `lab stop`, SIGINT or SIGTERM; `stopped` overrides (tests). */
export async function runLabStart(args: ParsedArgs, env: CliEnv, until?: (service: LabService) => Promise<void>): Promise<number> {
  const timing = args.flags.timing;
  if (timing !== undefined && timing !== 'fast' && timing !== 'realistic') throw labUsageError(`--timing must be fast or realistic, not "${String(timing)}".`, 'Example: lab start photon-seed --timing fast');
  const labDir = labDirOf(args);
  const service = await LabService.start({ labDir, scenarios: args.positionals.slice(1), timing: timing === undefined ? undefined : timing });
  printStatus(env, service.status(), `Lab service running on ${labDir} — virtual devices and cloud, not hardware.`);
  if (!env.json) env.print(`Attach with --lab ${labDir} (or --lab when it is the default folder); stop with \`lab stop\` or Ctrl+C.`);
  await (until ? until(service) : waitForSignal(service));
  await service.stop();
  return 0;
}

/** Asks the service to stop; falls back to SIGTERM of the recorded pid when the port does not answer. */
async function runLabStop(labDir: string, env: CliEnv): Promise<number> {
  const record = readLabRecord(labDir);
  if (!record) throw labUsageError(`No lab is running on ${labDir}.`, 'Nothing to stop. `lab start <scenario>` starts one.');
  try {
    await labRequest(labDir, 'POST', '/lab/stop');
  } catch (error) {
    if (!pidAlive(record.pid)) throw error;
    process.kill(record.pid, 'SIGTERM');
  }
  for (let i = 0; i < 200 && pidAlive(record.pid) && readLabRecord(labDir)?.pid === record.pid; i++) await new Promise((r) => setTimeout(r, 50));
  if (env.json) env.printJson({ stopped: true, labDir, pid: record.pid });
  else env.print(`Stopped the lab on ${labDir} (pid ${record.pid}); its state is saved there.`);
  return 0;
}

/** Reset through the running service, or in the saved state when no lab runs. */
async function runLabReset(labDir: string, scenario: string | undefined, env: CliEnv): Promise<number> {
  if (scenario !== undefined && !scenarioDef(scenario)) throw unknownScenarioError(scenario);
  if (readLabRecord(labDir)) {
    const status = await labRequest<LabStatus>(labDir, 'POST', '/lab/reset', { scenario });
    printStatus(env, status, `Reset ${scenario ?? 'every scenario'} in the running lab on ${labDir}.`);
    return 0;
  }
  const saved = loadLabState(labDir);
  if (scenario === undefined || !saved) removeLabState(labDir);
  else {
    const ids = new Set(saved.devices.filter((d) => d.scenario === scenario).map((d) => d.deviceId));
    saveLabState(labDir, { ...saved, devices: saved.devices.filter((d) => !ids.has(d.deviceId)), cloud: { ...saved.cloud, devices: saved.cloud.devices.filter((d) => !ids.has(d.id)) } });
  }
  if (env.json) env.printJson({ reset: scenario ?? 'all', labDir, running: false });
  else env.print(`Reset ${scenario ?? 'the whole lab'} on ${labDir}; the next \`lab start${scenario ? ` ${scenario}` : ''}\` begins from the scenario's first state.`);
  return 0;
}

export const command: CliCommand = {
  name: 'lab',
  summary: 'Virtual device lab: scenarios, and a lab service that keeps devices + cloud across commands (--lab).',
  usage: USAGE,
  options: { timing: 'string', 'lab-dir': 'string' },
  async run(args, env) {
    const [sub, scenario] = args.positionals;
    if (sub === 'list') {
      const scenarios = SCENARIOS.map(({ name, title, description, platformId }) => ({ name, title, description, platformId }));
      if (env.json) env.printJson({ scenarios });
      else for (const s of scenarios) env.print(`${s.name.padEnd(22)} ${s.title} — ${s.description}`);
      return 0;
    }
    if (sub === 'start') return runLabStart(args, env);
    if (sub === 'stop') return runLabStop(labDirOf(args), env);
    if (sub === 'status') {
      const labDir = labDirOf(args);
      printStatus(env, await labStatus(labDir), `Lab on ${labDir}:`);
      return 0;
    }
    if (sub === 'reset') return runLabReset(labDirOf(args), scenario, env);
    throw labUsageError(sub ? `Unknown lab action "${sub}".` : 'lab needs an action.', `Usage: particle-rescue ${USAGE}`);
  },
};
