import type { PlanStep, RescueStepOutcome, WizardStepId } from '../../../shared/contract/diagnosis';
import { RichText } from '../components/RichText';
import { STATUS_TEXT, STEP_WILL_DO, type StepStatus } from './step-text';

/**
 * The plan as an ordered list: every step with what it will do, or why it is skipped or left to
 * the user. During a rescue `statusOf` marks the live state of each step.
 */
export function PlanList({
  plan,
  statusOf,
  outcomes = {},
}: {
  plan: PlanStep[];
  statusOf?: (step: WizardStepId) => StepStatus | null;
  /** What each step really did in the rescue: shown under it (why it was skipped, the error and its fix). */
  outcomes?: Partial<Record<WizardStepId, RescueStepOutcome>>;
}) {
  return (
    <ol className="plan" data-testid="plan">
      {plan.map((s) => {
        const status: StepStatus = statusOf?.(s.step) ?? (s.action === 'skip' ? 'skipped' : s.action === 'manual' ? 'manual' : 'pending');
        return (
          <li key={s.step} className={`plan-step action-${s.action} status-${status}`} data-testid={`plan-step-${s.step}`} data-action={s.action} data-status={status}>
            <div className="plan-step-head">
              <span className="plan-step-title">{s.title}</span>
              <span className={`badge badge-step-${status}`}>{STATUS_TEXT[status]}</span>
            </div>
            {s.action === 'run' && <p className="plan-will-do">{STEP_WILL_DO[s.step]}</p>}
            <p className="plan-reason">
              <span className="muted">{s.action === 'skip' ? 'Skipped because: ' : 'Why: '}</span>
              <RichText text={s.reason} />
            </p>
            {outcomes[s.step] && <StepOutcome outcome={outcomes[s.step]!} />}
          </li>
        );
      })}
    </ol>
  );
}

const OUTCOME_LEAD: Record<RescueStepOutcome['status'], string> = {
  succeeded: 'Result: ',
  skipped: 'Skipped because: ',
  'needs-you': 'Left to you: ',
  failed: 'Failed: ',
  cancelled: 'Stopped: ',
  'not-run': '',
};

function StepOutcome({ outcome }: { outcome: RescueStepOutcome }) {
  return (
    <div className={`plan-outcome outcome-${outcome.status}`} data-testid={`step-outcome-${outcome.step}`} data-status={outcome.status}>
      <p>
        <strong>{OUTCOME_LEAD[outcome.status]}</strong>
        <RichText text={outcome.message.replace(/^Needs you: /, '')} />
      </p>
      {outcome.fix && outcome.status === 'failed' && (
        <p data-testid={`step-fix-${outcome.step}`}>
          <strong>What to do: </strong>
          <RichText text={outcome.fix} />
        </p>
      )}
    </div>
  );
}
