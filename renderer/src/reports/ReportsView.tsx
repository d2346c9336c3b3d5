import { useEffect, useState } from 'react';
import type { RescueReport } from '../../../shared/contract/reports';
import { getApi } from '../api';
import { downloadText, mimeFor } from '../app/download';
import { go, useNav } from '../app/nav-store';
import { toProblem } from '../app/problem';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { ReportDetail } from './ReportDetail';

type ReportListItem = Pick<RescueReport, 'reportId' | 'deviceId' | 'createdAt' | 'outcome'>;

export function ReportsView() {
  const reportId = useNav((s) => s.reportId);
  const [list, setList] = useState<ReportListItem[]>([]);
  const [report, setReport] = useState<RescueReport | null>(null);
  const { problem, guard, setProblem } = useGuarded();

  useEffect(() => {
    getApi()
      .call('reports.list', {})
      .then((r) => setList(r.reports))
      .catch((e) => setProblem(toProblem(e)));
  }, []);

  useEffect(() => {
    if (!reportId) {
      setReport(null);
      return;
    }
    let alive = true;
    getApi()
      .call('reports.get', { reportId })
      .then((r) => alive && setReport(r))
      .catch((e) => alive && setProblem(toProblem(e)));
    return () => {
      alive = false;
    };
  }, [reportId]);

  const exportAs = (format: 'markdown' | 'json') =>
    guard(async () => {
      if (!reportId) return;
      const file = await getApi().call('reports.export', { reportId, format });
      downloadText(file.fileName, file.content, mimeFor(file.fileName));
    });

  return (
    <div className="view" data-testid="reports-view">
      <FocusHeading testId="view-heading">Rescue reports</FocusHeading>
      {problem && <ErrorNotice problem={problem} />}
      {list.length === 0 && !reportId && <p className="muted">No rescue has been run yet. Reports appear here after each rescue.</p>}
      {list.length > 0 && (
        <ul className="report-list" aria-label="Reports">
          {list.map((r) => (
            <li key={r.reportId}>
              <button type="button" className="link-button" aria-current={r.reportId === reportId ? 'true' : undefined} onClick={() => go('reports', { reportId: r.reportId })}>
                {new Date(r.createdAt).toLocaleString()} — {r.deviceId} — {r.outcome}
              </button>
            </li>
          ))}
        </ul>
      )}
      {report && (
        <>
          <div className="toolbar" role="toolbar" aria-label="Export report">
            <button type="button" className="btn" data-testid="report-export-markdown" onClick={() => void exportAs('markdown')}>
              Export as Markdown
            </button>
            <button type="button" className="btn" data-testid="report-export-json" onClick={() => void exportAs('json')}>
              Export as JSON
            </button>
          </div>
          <ReportDetail report={report} />
        </>
      )}
    </div>
  );
}
