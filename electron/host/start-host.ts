import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { toErrorData } from '../../shared/errors';
import { UsageError, parseArgs, stringFlag, type OptionKinds } from '../cli/args';
import { bareLab, labChoice } from '../cli/cli';
import { connectRemoteLab } from '../lab/service/lab-client';
import { resolveLabDir } from '../lab/service/lab-files';
import { createDispatcher } from '../rpc/dispatcher';
import { buildHandlers } from '../rpc/handlers';
import { defaultDataDir } from '../services/app-paths';
import { createServices } from '../services/create-services';
import { startRescueHost } from './rescue-host';

const HELP = `Particle Rescue rescue host (browser mode)

Usage: npm run start:browser -- [options]

  --port <n>            port on 127.0.0.1 (default: a free one)
  --station             rescue-station banner for a bench machine serving several devices
  --read-only           diagnose and read only; every write is refused
  --scenario <a,b,…>    plug in these virtual devices at start (demo/training)
  --no-hardware         use only the virtual device lab
  --lab-timing <fast|realistic>   virtual device timing (default realistic)
  --data-dir <folder>   where backups, journals and reports live
  --lab [folder]        attach to the running lab service (\`npm run lab -- start\`) of the default
                        lab folder or of <folder> (or PARTICLE_RESCUE_LAB=1|<folder>)
  --open                open the system browser`;

function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

const OPTIONS: OptionKinds = {
  help: 'boolean',
  port: 'string',
  station: 'boolean',
  'read-only': 'boolean',
  scenario: 'string',
  'no-hardware': 'boolean',
  'lab-timing': 'string',
  lab: 'string',
  'data-dir': 'string',
  open: 'boolean',
};

async function main(): Promise<void> {
  const args = parseArgs(bareLab(process.argv.slice(2), []), OPTIONS);
  if (args.flags.help) {
    console.log(HELP);
    return;
  }
  const readOnly = args.flags['read-only'] === true;
  const station = args.flags.station === true;
  const dataDir = stringFlag(args, 'data-dir') ?? defaultDataDir();
  const lab = labChoice(args, process.env);
  const remoteLab = lab ? await connectRemoteLab(resolveLabDir(dataDir, lab.dir)) : undefined;
  const services = await createServices({
    remoteLab,
    transport: 'browser',
    dataDir,
    hardware: args.flags['no-hardware'] !== true,
    labTiming: stringFlag(args, 'lab-timing') === 'fast' ? 'fast' : 'realistic',
    readOnly,
    station,
  });
  for (const scenario of (stringFlag(args, 'scenario') ?? '').split(',').filter(Boolean)) {
    await services.lab.attach(scenario);
  }
  const handlers = buildHandlers(services, { transport: 'browser', openExternal: async () => false });
  const dispatch = createDispatcher(handlers, {
    readOnly,
    validateOutput: true,
    onInternalError: (method, error) => services.opLog.write('app', 'error', `${method}: ${String(error)}`),
  });
  const host = await startRescueHost({
    port: Number(stringFlag(args, 'port') ?? 0),
    staticDir: join(__dirname, '..', '..', 'renderer'),
    dispatch,
    bus: services.bus,
    log: (message) => services.opLog.write('app', 'warn', message),
  });
  const usb = services.devices.status();
  const lines = [
    station ? '━━ Particle Rescue — rescue station ━━' : 'Particle Rescue — browser mode',
    `Open: ${host.url}`,
    `Access token is new for this run (restart = new token). Listening on 127.0.0.1 only.`,
    `Mode: ${readOnly ? 'READ-ONLY (diagnose and back up, no writes)' : 'read/write'}; data: ${services.config.dataDir}`,
    !services.config.hardware
      ? 'USB: hardware not used (--no-hardware); virtual devices of the lab only.'
      : usb.available
        ? 'USB: hardware available; the virtual device lab too.'
        : `USB: ${usb.problem?.message ?? 'hardware unavailable; virtual devices still work.'}`,
  ];
  if (remoteLab) lines.push(`Lab: using the lab service on ${remoteLab.labDir} (lab ${remoteLab.session.labId}, pid ${remoteLab.record.pid}).`);
  console.log(lines.join('\n'));
  if (args.flags.open) openBrowser(host.url);
  const stop = async () => {
    await host.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  const data = toErrorData(error);
  console.error(`The rescue host could not start: ${data.code === 'INTERNAL' && error instanceof Error ? error.message : data.message}\n${data.fix}`);
  process.exit(1);
});
