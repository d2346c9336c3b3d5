import type { Diagnosis, WizardStepId } from '../../../shared/contract/diagnosis';
import type { DeviceSummary } from '../../../shared/domain';
import { getApi } from '../api';
import { useOperations } from '../app/operations';
import { ButtonSequence } from '../components/ButtonSequence';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { OperationProgress } from '../components/OperationProgress';
import { PlanList } from './PlanList';
import { STEP_WILL_DO, type StepStatus } from './step-text';
import { stepsToRun, useWizard } from './wizard-store';

/** Live status of each planned step from the rescue's progress (which step it is in, and the outcome). */
export function rescueStepStatus(
  runSteps: WizardStepId[],
  activeStep: WizardStepId | null,
  outcome: 'running' | 'succeeded' | 'failed' | 'cancelled',
): (step: WizardStepId) => StepStatus | null {
  const activeIndex = activeStep ? runSteps.indexOf(activeStep) : -1;
  return (step) => {
    if (step === 'diagnose') return 'done';
    const i = runSteps.indexOf(step);
    if (i < 0) return null;
    if (outcome === 'succeeded') return 'done';
    if (i < activeIndex) return 'done';
    if (i === activeIndex) return outcome === 'running' ? 'active' : 'failed';
    return 'pending';
  };
}

export function RescueStage({ diagnosis, device }: { diagnosis: Diagnosis; device: DeviceSummary | undefined }) {
  const { rescue, startRescue, backTo, activeStep: active } = useWizard();
  const operationId = rescue.status === 'idle' ? null : rescue.operationId;
  const progress = useOperations((s) => (operationId ? s.progress[operationId] : undefined));
  const runSteps = stepsToRun(diagnosis.plan);
  const outcome = rescue.status === 'idle' ? 'running' : rescue.status;
  const activeTitle = diagnosis.plan.find((s) => s.step === active)?.title;

  return (
    <section className="stage" data-testid="stage-rescue" aria-labelledby="stage-rescue-title">
      <FocusHeading focusKey="rescue">
        <span id="stage-rescue-title">Step 3: Rescuing the device</span>
      </FocusHeading>
      {rescue.status === 'running' && (
        <>
          <p className="lead" data-testid="rescue-active-step">
            {activeTitle ? `Now: ${activeTitle}. ${active ? STEP_WILL_DO[active] : ''}` : 'Starting…'}
          </p>
          <p className="muted">Keep the device plugged in until this finishes.</p>
          <OperationProgress operationId={operationId} testId="rescue-progress" />
          {progress?.phase === 'await-buttons' && device && <ButtonSequence device={device} />}
          {operationId && (
            <button type="button" className="btn" onClick={() => getApi().call('operations.cancel', { operationId }).catch(() => undefined)}>
              Stop at the next safe point
            </button>
          )}
        </>
      )}
      <PlanList plan={diagnosis.plan} statusOf={rescueStepStatus(runSteps, active, outcome)} />
      {rescue.status === 'failed' && (
        <>
          <ErrorNotice problem={rescue.problem} testId="rescue-error" />
          <div className="stage-actions">
            <button type="button" className="btn btn-primary" onClick={() => void startRescue()}>
              Try again
            </button>
            <button type="button" className="btn" onClick={() => backTo('diagnose')}>
              Diagnose again
            </button>
          </div>
        </>
      )}
      {rescue.status === 'cancelled' && (
        <div className="stage-actions">
          <p role="status">The rescue stopped at a safe point.</p>
          <button type="button" className="btn btn-primary" onClick={() => void startRescue()}>
            Start again
          </button>
        </div>
      )}
    </section>
  );
}
