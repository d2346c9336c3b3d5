import type { LedCatalogEntry } from '../../../shared/domain/led-catalog';
import { LedSwatch } from '../components/LedSwatch';

export function LedDetail({ entry }: { entry: LedCatalogEntry }) {
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
    </section>
  );
}
