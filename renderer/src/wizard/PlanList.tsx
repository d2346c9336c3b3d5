import type { PlanStep, WizardStepId } from '../../../shared/contract/diagnosis';
import { RichText } from '../components/RichText';
import { STATUS_TEXT, STEP_WILL_DO, type StepStatus } from './step-text';

/**
 * The plan as an ordered list: every step with what it will do, or why it is skipped or left to
 * the user. During a rescue `statusOf` marks the live state of each step.
 */
export function PlanList({ plan, statusOf }: { plan: PlanStep[]; statusOf?: (step: WizardStepId) => StepStatus | null }) {
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
          </li>
        );
      })}
    </ol>
  );
}
