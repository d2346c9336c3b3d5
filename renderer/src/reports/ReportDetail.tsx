import type { RescueReport } from '../../../shared/contract/reports';
import { SlotHashes } from '../components/SlotHashes';

const OUTCOME_TEXT: Record<RescueReport['outcome'], string> = {
  rescued: 'Rescued',
  partly: 'Partly rescued',
  failed: 'Not rescued',
  'nothing-to-do': 'Nothing needed repair',
  'repaired-not-online': 'Repaired, not yet online',
  undecided: 'Not repaired: needs your decision',
};

/** "What happened and why": findings, each step with result and time, key slot fingerprints, backups. */
export function ReportDetail({ report }: { report: RescueReport }) {
  return (
    <article className="report" data-testid="report" data-outcome={report.outcome} aria-labelledby="report-title">
      <h3 id="report-title">
        {OUTCOME_TEXT[report.outcome]}: {report.platformName} {report.deviceId}
        {report.virtual ? ' (virtual device, demo)' : ''}
      </h3>
      <p className="muted">{new Date(report.createdAt).toLocaleString()}</p>
      <p data-testid="report-what-happened">{report.whatHappened}</p>
      {report.findings.length > 0 && (
        <>
          <h4>Findings</h4>
          <ul>
            {report.findings.map((f) => (
              <li key={f.id}>
                <strong>{f.title}</strong> — {f.detail}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Steps</h4>
      <table className="report-steps" data-testid="report-steps">
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Result</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {report.steps.map((s, i) => (
            <tr key={`${s.name}-${i}`} className={`step-${s.status}`}>
              <th scope="row">{s.name}</th>
              <td>{s.status}</td>
              <td>{new Date(s.startedAt).toLocaleTimeString()}</td>
              <td>{(s.durationMs / 1000).toFixed(1)} s</td>
              <td>{s.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SlotHashes before={report.slots.before} after={report.slots.after} />
      <h4>Backups</h4>
      {report.backups.length === 0 ? (
        <p>No backup was needed.</p>
      ) : (
        <ul>
          {report.backups.map((b) => (
            <li key={b.backupId}>
              {b.backupId}: <code>{b.location}</code>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
