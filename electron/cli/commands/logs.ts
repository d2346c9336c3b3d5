import { LogFilterSchema, type LogLine } from '../../../shared/contract/logs';
import { RescueError } from '../../../shared/errors';
import { filterLogLines, formatLogLine } from '../../services/logs/log-parser';
import { stringFlag } from '../args';
import type { CliCommand, ParsedArgs } from '../types';

function logFilter(args: ParsedArgs) {
  const categories = stringFlag(args, 'category')?.split(',').filter(Boolean);
  const parsed = LogFilterSchema.safeParse({ minLevel: stringFlag(args, 'level'), categories, text: stringFlag(args, 'text') });
  if (!parsed.success) {
    throw new RescueError('INVALID_INPUT', 'The log filter is not valid.', 'Levels: trace, info, warn, error, panic. Categories are comma-separated, e.g. --category comm.protocol,system.');
  }
  return parsed.data;
}

function secondsFlag(args: ParsedArgs): number | null {
  const raw = stringFlag(args, 'seconds');
  if (raw === undefined) return null;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) {
    throw new RescueError('INVALID_INPUT', `--seconds needs a positive number, got "${raw}".`, 'Example: --seconds 30 (leave it out to read until Ctrl-C).');
  }
  return seconds;
}

/** Resolves after the given time, or on Ctrl-C when no time is given. */
function readFor(seconds: number | null): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      resolve();
    };
    const timer = seconds === null ? undefined : setTimeout(done, seconds * 1000);
    process.once('SIGINT', done);
  });
}

export const command: CliCommand = {
  name: 'logs',
  summary: 'Show the live Device OS serial log of a device, filtered by level, category and text.',
  usage: 'logs [deviceId] [--level trace|info|warn|error|panic] [--category a,b] [--text <words>] [--seconds N] [--json] [--virtual <scenario>]',
  options: { level: 'string', category: 'string', text: 'string', seconds: 'string' },
  async run(args, env) {
    const filter = logFilter(args);
    const seconds = secondsFlag(args);
    const services = await env.services();
    const deviceId = await env.deviceId(args.positionals[0]);
    const collected: LogLine[] = [];
    const unsubscribe = services.bus.subscribe((event, payload) => {
      if (event !== 'logs.lines') return;
      const batch = payload as { deviceId: string; lines: LogLine[] };
      if (batch.deviceId !== deviceId) return;
      for (const line of filterLogLines(batch.lines, filter)) {
        if (env.json) collected.push(line);
        else env.print(formatLogLine(line));
      }
    });
    try {
      const { path } = await services.serial.start(deviceId);
      env.print(`Reading ${path}${seconds === null ? ' (Ctrl-C to stop)' : ` for ${seconds} s`}…`);
      await readFor(seconds);
      await services.serial.stop(deviceId);
    } finally {
      unsubscribe();
    }
    if (env.json) env.printJson({ deviceId, lines: collected });
    return 0;
  },
};
