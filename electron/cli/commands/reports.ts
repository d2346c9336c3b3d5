import { RescueError } from '../../../shared/errors';
import type { CliCommand } from '../types';

export const reportsCommand: CliCommand = {
  name: 'reports',
  summary: 'List rescue reports (newest first), optionally of one device.',
  usage: 'reports [deviceId] [--json]',
  async run(args, env) {
    const services = await env.services();
    const reports = await services.reports.list(args.positionals[0]);
    if (env.json) env.printJson({ reports });
    else if (reports.length === 0) env.print('No rescue reports yet.');
    else for (const r of reports) env.print(`${r.reportId}  ${r.outcome.padEnd(13)} ${r.createdAt}`);
    return 0;
  },
};

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Print one rescue report: Markdown (what happened and why) or, with --json, the report data.',
  usage: 'report <reportId> [--json]',
  async run(args, env) {
    const reportId = args.positionals[0];
    if (!reportId) throw new RescueError('INVALID_INPUT', 'report needs a report id.', 'Run `particle-rescue reports` to list them.');
    const services = await env.services();
    if (env.json) env.printJson(await services.reports.get(reportId));
    else env.print((await services.reports.export(reportId, 'markdown')).content);
    return 0;
  },
};

export const commands: CliCommand[] = [reportsCommand, reportCommand];
