import { toErrorData } from '../../shared/errors';
import { defaultDataDir } from '../services/app-paths';
import type { Services } from '../services/container';
import { createKeyringVault } from '../services/cloud/keyring-vault';
import { createServices } from '../services/create-services';
import packageJson from '../../package.json';
import { connectRemoteLab } from '../lab/service/lab-client';
import { isUsageError, labUsageError, resolveLabDir } from '../lab/service/lab-files';
import { GLOBAL_OPTIONS, UsageError, parseArgs, stringFlag } from './args';
import { chooseDevice } from './device-choice';
import type { CliCommand, CliEnv, ParsedArgs } from './types';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Asks on the terminal; absent or null where there is none. */
  prompt?(question: string, secret: boolean): Promise<string | null>;
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
    'Without a device ID, a command acts on the only attached device.',
    'Run `particle-rescue help <command>` for the options of one command; `--version` prints the version.',
  ].join('\n');
}

/** The command word: the first argument that is neither an option nor the value of a global one. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') return argv[i + 1];
    if (!word.startsWith('-')) return word;
    if (!word.includes('=') && GLOBAL_OPTIONS[word.replace(/^-+/, '')] === 'string') i++;
  }
  return undefined;
}

function commandHelp(command: CliCommand): string {
  return `${command.summary}\n\nUsage: particle-rescue ${command.usage}`;
}

/**
 * `--lab` takes an optional folder. Bare (last, or before another option, a device ID or a command) it
 * means the default lab folder, written `--lab=` so the strict parser sees a value.
 */
export function bareLab(argv: readonly string[], commandNames: readonly string[]): string[] {
  return argv.map((word, i) => {
    const next = argv[i + 1];
    const bare = next === undefined || next.startsWith('-') || /^[0-9a-f]{24}$/i.test(next) || commandNames.includes(next);
    return word === '--lab' && bare ? '--lab=' : word;
  });
}

/** `--lab` (default lab folder), `--lab <folder>`, or PARTICLE_RESCUE_LAB (1/true = default folder, else a folder). */
export function labChoice(args: ParsedArgs, env: NodeJS.ProcessEnv): { dir?: string } | null {
  const flag = args.flags.lab;
  if (flag === true || flag === '') return {};
  if (typeof flag === 'string') return { dir: flag };
  const fromEnv = env.PARTICLE_RESCUE_LAB;
  if (fromEnv === undefined || fromEnv === '' || fromEnv === '0' || fromEnv === 'false') return null;
  return fromEnv === '1' || fromEnv === 'true' ? {} : { dir: fromEnv };
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(given: string[], commands: CliCommand[], io: CliIo): Promise<number> {
  const argv = bareLab(given, commands.map((c) => c.name));
  const name = commandWord(argv);
  if (name === 'help') return runCli([...argv.filter((word) => word !== 'help'), '--help'], commands, io);
  const command = commands.find((c) => c.name === name);
  if (name !== undefined && !command) {
    io.err(`Unknown command "${name}". Run \`particle-rescue --help\` for the list.`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, { ...GLOBAL_OPTIONS, ...command?.options });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\nUsage: particle-rescue ${command?.usage ?? '<command> [options]'}`);
    return 2;
  }
  if (args.flags.version === true) {
    io.out(`particle-rescue ${packageJson.version}`);
    return 0;
  }
  if (!command) {
    if (args.flags.help) {
      io.out(usage(commands));
      return 0;
    }
    io.err(usage(commands));
    return 2;
  }
  if (args.flags.help) {
    io.out(commandHelp(command));
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
    prompt: async (question, secret) => (io.prompt ? io.prompt(question, secret) : null),
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
        // The real cloud's sign-in outlives the command only in the OS keyring; the lab's is a demo.
        tokenVault: scenario === undefined && !remoteLab ? createKeyringVault() : undefined,
        labTiming: stringFlag(args, 'lab-timing') === 'realistic' ? 'realistic' : 'fast',
        remoteLab,
      }).catch((error: unknown) => {
        remoteLab?.close();
        throw error;
      });
      if (scenario) {
        const known = services.lab.scenarios().map((s) => s.name);
        if (!known.includes(scenario)) throw new UsageError(`There is no virtual device scenario "${scenario}". Known scenarios: ${known.join(', ')}.`);
        const device = await services.lab.attach(scenario);
        virtualDeviceId = device.deviceId;
        if (!json) io.err(`Virtual device ${device.deviceId} (${scenario}) attached — this is the demo lab, not hardware.`);
      }
      return services;
    },
    deviceId: async (given) => {
      const ready = await env.services();
      if (given === undefined && virtualDeviceId !== null) return virtualDeviceId;
      return chooseDevice(given, given === undefined ? await ready.devices.list() : []);
    },
  };
  try {
    return await command.run({ positionals: args.positionals.slice(1), flags: args.flags } satisfies ParsedArgs, env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\nUsage: particle-rescue ${command.usage}`);
      return 2;
    }
    const data = toErrorData(error);
    if (json) io.out(JSON.stringify({ error: data }, null, 2));
    else io.err(`Error (${data.code}): ${data.message}\nWhat to do: ${data.fix}`);
    // Input the contract refused is a usage mistake too.
    return isUsageError(error) || data.code === 'INVALID_INPUT' ? 2 : 1;
  } finally {
    if (services) await (services as Services).close();
  }
}
