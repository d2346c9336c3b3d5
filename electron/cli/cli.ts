import { DeviceIdSchema } from '../../shared/domain';
import { RescueError, toErrorData } from '../../shared/errors';
import { defaultDataDir } from '../services/app-paths';
import type { Services } from '../services/container';
import { createServices } from '../services/create-services';
import { connectRemoteLab } from '../lab/service/lab-client';
import { isUsageError, labUsageError, resolveLabDir } from '../lab/service/lab-files';
import { parseArgs, stringFlag } from './args';
import type { CliCommand, CliEnv, ParsedArgs } from './types';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

function usage(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Particle Rescue — bring a stuck Particle device back onto the Particle Cloud.',
    '',
    'Usage: particle-rescue <command> [options]   (from a clone: npm run cli -- <command>)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every device command:',
    '  --json                 print one JSON document instead of text',
    '  --virtual <scenario>   use a virtual device of the lab (see `lab list`) instead of hardware',
    '  --lab [folder]         use the running lab service (`lab start`) of the default lab folder or of <folder>;',
    '                         (PARTICLE_RESCUE_LAB=1 or =<folder> does the same)',
    '  --data-dir <folder>    where backups, journals and reports live',
    '',
    'Run `particle-rescue <command> --help` for the options of one command.',
  ].join('\n');
}

/**
 * `--lab` (default lab folder), `--lab <folder>`, or PARTICLE_RESCUE_LAB (1/true = default folder, else a
 * folder). A device ID right after a bare `--lab` is given back to the positionals.
 */
export function labChoice(args: ParsedArgs, env: NodeJS.ProcessEnv): { dir?: string } | null {
  const flag = args.flags.lab;
  if (typeof flag === 'string' && /^[0-9a-f]{24}$/i.test(flag)) {
    args.positionals.push(flag);
    return {};
  }
  if (flag === true) return {};
  if (typeof flag === 'string') return { dir: flag };
  const fromEnv = env.PARTICLE_RESCUE_LAB;
  if (fromEnv === undefined || fromEnv === '' || fromEnv === '0' || fromEnv === 'false') return null;
  return fromEnv === '1' || fromEnv === 'true' ? {} : { dir: fromEnv };
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: string[], commands: CliCommand[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  const name = args.positionals[0];
  const command = commands.find((c) => c.name === name);
  if (!name || (args.flags.help && !command)) {
    io.out(usage(commands));
    return name || args.flags.help ? 0 : 2;
  }
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${usage(commands)}`);
    return 2;
  }
  if (args.flags.help) {
    io.out(`${command.summary}\n\nUsage: particle-rescue ${command.usage}`);
    return 0;
  }
  const json = args.flags.json === true;
  let services: Services | null = null;
  let virtualDeviceId: string | null = null;
  const env: CliEnv = {
    json,
    print: (text) => {
      if (!json) io.out(text);
    },
    printJson: (value) => io.out(JSON.stringify(value, null, 2)),
    services: async () => {
      if (services) return services;
      const scenario = stringFlag(args, 'virtual');
      const dataDir = stringFlag(args, 'data-dir') ?? defaultDataDir();
      const lab = scenario === undefined || args.flags.lab !== undefined ? labChoice(args, process.env) : null;
      if (lab && scenario !== undefined) {
        throw labUsageError('--virtual and --lab cannot be used together.', '--virtual <scenario> builds a one-shot virtual device; --lab uses the running lab service. Pick one.');
      }
      const remoteLab = lab ? await connectRemoteLab(resolveLabDir(dataDir, lab.dir)) : undefined;
      if (remoteLab) {
        const devices = remoteLab.session.devices;
        if (devices.length === 1) virtualDeviceId = devices[0].deviceId;
        io.err(`Using the lab on ${remoteLab.labDir} (lab ${remoteLab.session.labId}, pid ${remoteLab.record.pid}): ${devices.length} virtual device(s), not hardware.`);
      }
      services = await createServices({
        transport: 'cli',
        dataDir,
        hardware: scenario === undefined && !remoteLab,
        labTiming: stringFlag(args, 'lab-timing') === 'realistic' ? 'realistic' : 'fast',
        remoteLab,
      }).catch((error: unknown) => {
        remoteLab?.close();
        throw error;
      });
      if (scenario) {
        const device = await services.lab.attach(scenario);
        virtualDeviceId = device.deviceId;
        if (!json) io.err(`Virtual device ${device.deviceId} (${scenario}) attached — this is the demo lab, not hardware.`);
      }
      return services;
    },
    deviceId: async (given) => {
      await env.services();
      const candidate = given ?? virtualDeviceId ?? undefined;
      if (candidate === undefined) {
        throw new RescueError('INVALID_INPUT', 'This command needs a device ID.', 'Run `particle-rescue devices` to list attached devices and their IDs.');
      }
      const parsed = DeviceIdSchema.safeParse(candidate.toLowerCase());
      if (!parsed.success) {
        throw new RescueError('INVALID_INPUT', `"${candidate}" is not a device ID.`, 'A device ID is 24 hex digits; `particle-rescue devices` lists them.');
      }
      return parsed.data;
    },
  };
  try {
    return await command.run({ positionals: args.positionals.slice(1), flags: args.flags } satisfies ParsedArgs, env);
  } catch (error) {
    const data = toErrorData(error);
    if (json) io.out(JSON.stringify({ error: data }, null, 2));
    else io.err(`Error (${data.code}): ${data.message}\nWhat to do: ${data.fix}`);
    return isUsageError(error) ? 2 : 1;
  } finally {
    if (services) await (services as Services).close();
  }
}
