import type { HealthBadge as Health } from '../../../shared/domain';

const TEXT: Record<Health, string> = {
  unknown: 'Not checked yet',
  healthy: 'Healthy',
  attention: 'Needs attention',
  broken: 'Needs rescue',
  protected: 'Protected device',
};

export function HealthBadge({ health }: { health: Health }) {
  return (
    <span className={`badge badge-${health}`} data-testid="health-badge" data-health={health}>
      {TEXT[health]}
    </span>
  );
}
