import type { PlanStep } from '../../../shared/contract/diagnosis';
import { ExternalLink } from '../components/ExternalLink';
import { RichText } from '../components/RichText';

/** Steps only the user can do (Wi-Fi credentials, unlocking a protected device), spelled out. */
export function ManualSteps({ plan }: { plan: PlanStep[] }) {
  const manual = plan.filter((s) => s.action === 'manual');
  if (manual.length === 0) return null;
  return (
    <section className="notice notice-warn" data-testid="manual-steps" aria-labelledby="manual-title">
      <h4 id="manual-title">What only you can do</h4>
      <ul>
        {manual.map((s) => (
          <li key={s.step} data-testid={`manual-${s.step}`}>
            <strong>{s.title}:</strong> <RichText text={s.reason} />
          </li>
        ))}
      </ul>
      <p>
        More help: <ExternalLink href="https://docs.particle.io/troubleshooting/led/">Status LED guide on docs.particle.io</ExternalLink>
      </p>
    </section>
  );
}
