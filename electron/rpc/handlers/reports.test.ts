import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportsMethods } from '../../../shared/contract/reports';
import { ReportService } from '../../services/reports/report-service';
import { reportsHandlers } from './reports';

const ctx = { transport: 'test' as const };
const DEVICE = '0123456789abcdef01234567';

describe('reportsHandlers', () => {
  it('lists, gets and exports reports in the shapes of the contract', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'reports-handlers-'));
    try {
      const reports = new ReportService({ dataDir });
      reports.recordStep(DEVICE, { name: 'Enter DFU mode', status: 'succeeded', startedAt: new Date().toISOString(), durationMs: 900, message: 'Done.' });
      reports.recordStep(DEVICE, { name: 'Verify the cloud connection', status: 'succeeded', startedAt: new Date().toISOString(), durationMs: 900, message: 'Online.' });
      const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
      const handlers = reportsHandlers({ reports });
      const list = reportsMethods['reports.list'].output.parse(await handlers['reports.list']({ deviceId: DEVICE }, ctx));
      expect(list.reports).toEqual([{ reportId: report.reportId, deviceId: DEVICE, createdAt: report.createdAt, outcome: 'rescued' }]);
      expect(reportsMethods['reports.get'].output.parse(await handlers['reports.get']({ reportId: report.reportId }, ctx))).toEqual(report);
      const exported = reportsMethods['reports.export'].output.parse(await handlers['reports.export']({ reportId: report.reportId, format: 'markdown' }, ctx));
      expect(exported.content).toContain('Enter DFU mode');
      await expect(Promise.resolve().then(() => handlers['reports.get']({ reportId: 'nope' }, ctx))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
