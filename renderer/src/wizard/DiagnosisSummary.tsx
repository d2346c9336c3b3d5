import type { Diagnosis, Finding } from '../../../shared/contract/diagnosis';
import { RichText } from '../components/RichText';

const SEVERITY_TEXT: Record<Finding['severity'], string> = { ok: 'OK', info: 'Note', warn: 'Warning', error: 'Problem' };

/** The diagnosis in plain words: what is wrong, the likely cause, why it happens, and the evidence. */
export function DiagnosisSummary({ diagnosis }: { diagnosis: Diagnosis }) {
  return (
    <section className="diagnosis" data-testid="diagnosis" aria-labelledby="diagnosis-title">
      <h3 id="diagnosis-title">What is wrong</h3>
      <p className="diagnosis-summary" data-testid="diagnosis-summary">
        <RichText text={diagnosis.summary} />
      </p>
      <h4>Likely cause</h4>
      <p data-testid="diagnosis-cause">
        <RichText text={diagnosis.cause} />
      </p>
      <h4>Why this happens</h4>
      <p data-testid="diagnosis-why">
        <RichText text={diagnosis.why} />
      </p>
      {diagnosis.findings.length > 0 && (
        <details className="findings" open>
          <summary>What was checked ({diagnosis.findings.length})</summary>
          <ul data-testid="findings">
            {diagnosis.findings.map((f) => (
              <li key={f.id} className={`finding severity-${f.severity}`} data-severity={f.severity}>
                <span className={`badge badge-sev-${f.severity}`}>{SEVERITY_TEXT[f.severity]}</span> <strong>{f.title}</strong>
                <span className="finding-detail">
                  {' '}
                  <RichText text={f.detail} />
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
