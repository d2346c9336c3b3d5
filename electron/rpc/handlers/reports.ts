import type { reportsMethods } from '../../../shared/contract/reports';
import type { ReportService } from '../../services/reports/report-service';
import type { HandlerGroup } from '../handler-types';

export function reportsHandlers(deps: { reports: ReportService }): HandlerGroup<typeof reportsMethods> {
  const { reports } = deps;
  return {
    'reports.list': async ({ deviceId }) => ({ reports: await reports.list(deviceId) }),
    'reports.get': ({ reportId }) => reports.get(reportId),
    'reports.export': ({ reportId, format }) => reports.export(reportId, format),
  };
}
