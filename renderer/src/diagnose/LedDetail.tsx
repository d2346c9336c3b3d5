import type { LedCatalogEntry } from '../../../shared/domain/led-catalog';
import { buildDiagnosis } from '../../../shared/domain/plan';
import { LedSwatch } from '../components/LedSwatch';

/** What the LED alone says, before (or without) a connected device: the same plan logic main uses. */
function ledOnlyDiagnosis(entry: LedCatalogEntry) {
  return buildDiagnosis(
    {
      platformId: null,
      mode: null,
      ledPatternId: entry.id,
      cloudStatus: 'unknown',
      keyHealth: null,
      systemFirmwareValid: null,
      userFirmwareValid: null,
      wifiCredentials: null,
      protected: false,
    },
    null,
  );
}

export function LedDetail({ entry }: { entry: LedCatalogEntry }) {
  const diagnosis = ledOnlyDiagnosis(entry);
  const steps = diagnosis.plan.filter((s) => s.action !== 'skip' && s.step !== 'diagnose');
  return (
    <section className="led-detail" data-testid="led-detail" data-pattern-id={entry.id} aria-label={`About ${entry.title}`}>
      <div className="led-detail-head">
        <LedSwatch led={entry} label={`${entry.title} (animated)`} size="lg" />
        <h3>{entry.title}</h3>
      </div>
      <p className="led-meaning">{entry.meaning}</p>
      <h4>Likely causes</h4>
      <ul>
        {entry.causes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <h4>What helps</h4>
      <p className="led-remedy" data-testid="led-remedy">
        {entry.remedy}
      </p>
      <h4>From the LED alone</h4>
      <p data-testid="led-diagnosis">{diagnosis.summary}</p>
      {steps.length > 0 && (
        <ol className="led-plan" data-testid="led-plan">
          {steps.map((s) => (
            <li key={s.step} data-step={s.step} data-action={s.action}>
              {s.title}
              {s.action === 'manual' ? ' (you do this step)' : ''}
            </li>
          ))}
        </ol>
      )}
      <p className="muted">Connect the device and run the diagnosis to confirm: the device itself tells more than its LED.</p>
    </section>
  );
}
