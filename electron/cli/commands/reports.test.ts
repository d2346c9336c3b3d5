import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../services/container';
import { ReportService } from '../../services/reports/report-service';
import type { CliEnv } from '../types';
import { reportCommand, reportsCommand } from './reports';

const DEVICE = '0123456789abcdef01234567';

describe('reports CLI commands', () => {
  let dataDir: string;
  let reports: ReportService;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reports-cli-'));
    reports = new ReportService({ dataDir });
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  function env(json: boolean): CliEnv & { out: string[] } {
    const out: string[] = [];
    return {
      out,
      json,
      print: (t) => out.push(t),
      printJson: (v) => out.push(JSON.stringify(v)),
      services: async () => ({ reports }) as unknown as Services,
      deviceId: async () => DEVICE,
    };
  }

  it('lists reports and prints one as Markdown or JSON', async () => {
    const e = env(false);
    expect(await reportsCommand.run({ positionals: [], flags: {} }, e)).toBe(0);
    expect(e.out).toEqual(['No rescue reports yet.']);

    reports.recordStep(DEVICE, { name: 'Repair cloud keys', status: 'succeeded', startedAt: new Date().toISOString(), durationMs: 2000, message: 'Done.' });
    // "Rescued" rests on a measured cloud connection.
    reports.recordStep(DEVICE, { name: 'Verify the cloud connection', status: 'succeeded', startedAt: new Date().toISOString(), durationMs: 900, message: 'Online.' });
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
    const listed = env(true);
    await reportsCommand.run({ positionals: [DEVICE], flags: { json: true } }, listed);
    expect(JSON.parse(listed.out[0])).toEqual({ reports: [expect.objectContaining({ reportId: report.reportId, outcome: 'rescued' })] });

    const md = env(false);
    expect(await reportCommand.run({ positionals: [report.reportId], flags: {} }, md)).toBe(0);
    expect(md.out[0]).toContain('| 1 | Repair cloud keys | succeeded |');
    const json = env(true);
    await reportCommand.run({ positionals: [report.reportId], flags: { json: true } }, json);
    expect(JSON.parse(json.out[0])).toEqual(report);
  });

  it('asks for a report id', async () => {
    await expect(reportCommand.run({ positionals: [], flags: {} }, env(false))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
