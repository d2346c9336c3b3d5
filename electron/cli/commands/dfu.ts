import { readFile, writeFile } from 'node:fs/promises';
import { RescueError } from '../../../shared/errors';
import type { Services } from '../../services/container';
import type { DfuProgress } from '../../services/dfu/dfu-session';
import type { CliCommand, CliEnv, ParsedArgs } from '../types';

const USAGE = [
  'dfu enter <deviceId>',
  'dfu read <deviceId> --alt N --address A --length L --out FILE',
  'dfu write <deviceId> --alt N --address A FILE',
  'dfu leave <deviceId>',
  '(every form also takes --virtual <scenario> and --json)',
].join('\n       particle-rescue ');

/** Numbers as people type them: decimal or 0x-hex. */
export function parseNumberFlag(args: ParsedArgs, name: string, required = true): number | undefined {
  const raw = args.flags[name];
  if (raw === undefined && !required) return undefined;
  const text = typeof raw === 'string' ? raw.trim() : '';
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RescueError('INVALID_INPUT', `--${name} needs a number (decimal or 0x-hex), got "${text || String(raw ?? '')}".`, `Example: --${name} ${name === 'alt' ? '0' : '0x080A0000'}`);
  }
  return value;
}

/** Mirrors operation progress to the terminal, so the button instructions reach the user. */
function followProgress(services: Services, env: CliEnv): () => void {
  let last = '';
  return services.bus.subscribe((event, payload) => {
    if (event !== 'operations.progress') return;
    const p = payload as { message: string; phase: string };
    if (p.message !== last) env.print(p.message);
    last = p.message;
  });
}

function byteProgress(env: CliEnv): (p: DfuProgress) => void {
  let lastTenth = -1;
  return (p) => {
    const tenth = Math.floor((p.bytesDone / Math.max(1, p.bytesTotal)) * 10);
    if (tenth !== lastTenth) env.print(`  ${p.phase} ${p.bytesDone}/${p.bytesTotal} bytes`);
    lastTenth = tenth;
  };
}

async function enter(id: string | undefined, services: Services, env: CliEnv): Promise<number> {
  const deviceId = await env.deviceId(id);
  const result = await services.operations.run('enter-dfu', deviceId, (ctx) => services.dfu.enterDfu(deviceId, ctx));
  if (env.json) env.printJson(result);
  else env.print(result.method === 'already' ? `${deviceId} is already in DFU mode.` : `${deviceId} is in DFU mode (via ${result.method}).`);
  return 0;
}

async function read(args: ParsedArgs, services: Services, env: CliEnv): Promise<number> {
  const deviceId = await env.deviceId(args.positionals[1]);
  const alt = parseNumberFlag(args, 'alt')!;
  const address = parseNumberFlag(args, 'address')!;
  const length = parseNumberFlag(args, 'length')!;
  const out = args.flags.out;
  if (typeof out !== 'string') throw new RescueError('INVALID_INPUT', 'dfu read needs --out FILE.', 'Example: --out dct.bin');
  const data = await services.operations.run('backup', deviceId, async (ctx) => {
    const session = await services.dfu.openSession(deviceId, ctx);
    return session.read(alt, address, length, env.json ? undefined : byteProgress(env), ctx.signal);
  });
  await writeFile(out, data).catch((error: unknown) => {
    throw new RescueError('FILE_ERROR', `Could not write ${out}: ${(error as Error).message}.`, 'Choose a folder you can write to.');
  });
  if (env.json) env.printJson({ deviceId, alt, address, length: data.length, out });
  else env.print(`Read ${data.length} bytes from alt ${alt} at 0x${address.toString(16)} into ${out}.`);
  return 0;
}

async function write(args: ParsedArgs, services: Services, env: CliEnv): Promise<number> {
  const file = args.positionals.at(-1);
  const given = args.positionals.length >= 3 ? args.positionals[1] : undefined;
  if (!file || args.positionals.length < 2) throw new RescueError('INVALID_INPUT', 'dfu write needs a FILE to write.', `Usage: particle-rescue ${USAGE}`);
  const deviceId = await env.deviceId(given);
  const alt = parseNumberFlag(args, 'alt')!;
  const address = parseNumberFlag(args, 'address')!;
  const data = await readFile(file).catch((error: unknown) => {
    throw new RescueError('FILE_ERROR', `Could not read ${file}: ${(error as Error).message}.`, 'Check the file name.');
  });
  await services.operations.run('flash', deviceId, async (ctx) => {
    const session = await services.dfu.openSession(deviceId, ctx);
    const progress = env.json ? undefined : byteProgress(env);
    await session.write(alt, address, data, { erase: alt !== 1, onProgress: progress, signal: ctx.signal });
    await session.verify(alt, address, data, progress, ctx.signal);
  });
  if (env.json) env.printJson({ deviceId, alt, address, length: data.length, verified: true });
  else env.print(`Wrote and verified ${data.length} bytes at 0x${address.toString(16)} (alt ${alt}). Run \`dfu leave ${deviceId}\` to restart the device.`);
  return 0;
}

async function leave(id: string | undefined, services: Services, env: CliEnv): Promise<number> {
  const deviceId = await env.deviceId(id);
  const device = await services.operations.run('leave-dfu', deviceId, (ctx) => services.dfu.leave(deviceId, ctx));
  if (env.json) env.printJson({ device });
  else env.print(`${deviceId} left DFU mode and is back in ${device.mode} mode.`);
  return 0;
}

export const command: CliCommand = {
  name: 'dfu',
  summary: 'Enter or leave DFU mode, read or write device memory over DFU.',
  usage: USAGE,
  options: { alt: 'string', address: 'string', length: 'string', out: 'string' },
  async run(args, env) {
    const sub = args.positionals[0];
    if (!['enter', 'read', 'write', 'leave'].includes(sub ?? '')) {
      throw new RescueError('INVALID_INPUT', `Unknown dfu action "${sub ?? ''}".`, `Usage: particle-rescue ${USAGE}`);
    }
    const services = await env.services();
    const stop = env.json ? () => undefined : followProgress(services, env);
    try {
      if (sub === 'enter') return await enter(args.positionals[1], services, env);
      if (sub === 'read') return await read(args, services, env);
      if (sub === 'write') return await write(args, services, env);
      return await leave(args.positionals[1], services, env);
    } finally {
      stop();
    }
  },
};
