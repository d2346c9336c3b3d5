import type { Diagnosis, RescueStepOutcome, WizardStepId } from '../../../shared/contract/diagnosis';
import type { DeviceSummary } from '../../../shared/domain';
import { useOperations } from '../app/operations';
import { ButtonSequence } from '../components/ButtonSequence';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { OperationProgress } from '../components/OperationProgress';
import { PlanList } from './PlanList';
import { OUTCOME_STATUS, STEP_WILL_DO, type StepStatus } from './step-text';
import { canSkip, firstUnfinished, readyToVerify, stepsToRun, useWizard } from './wizard-store';

/**
 * Status of each planned step: what it really did when the rescue told us (its outcome), else live
 * from the step the running rescue is in. Nothing is shown as done without an outcome saying so.
 */
export function rescueStepStatus(
  runSteps: WizardStepId[],
  activeStep: WizardStepId | null,
  running: boolean,
  outcomes: Partial<Record<WizardStepId, RescueStepOutcome>>,
  skipped: WizardStepId[] = [],
): (step: WizardStepId) => StepStatus | null {
  return (step) => {
    if (step === 'diagnose') return 'done';
    if (running && step === activeStep) return 'active';
    if (skipped.includes(step)) return 'skipped';
    const outcome = outcomes[step];
    if (outcome) return OUTCOME_STATUS[outcome.status];
    return runSteps.includes(step) ? 'pending' : null;
  };
}

export function RescueStage({ diagnosis, device }: { diagnosis: Diagnosis; device: DeviceSummary | undefined }) {
  const { rescue, outcomes, skipped, backTo, activeStep: active, retryStep, skipStep, runVerify, cancelRunning } = useWizard();
  const operationId = rescue.status === 'idle' ? null : rescue.operationId;
  const progress = useOperations((s) => (operationId ? s.progress[operationId] : undefined));
  const runSteps = stepsToRun(diagnosis.plan);
  const running = rescue.status === 'running';
  const activeTitle = diagnosis.plan.find((s) => s.step === active)?.title;
  const stuck = running ? null : firstUnfinished(diagnosis.plan, outcomes, skipped);
  const stuckTitle = stuck ? diagnosis.plan.find((s) => s.step === stuck.step)?.title : null;
  const allDone = !running && rescue.status !== 'idle' && readyToVerify(diagnosis.plan, outcomes);
  const verifyPlanned = diagnosis.plan.some((s) => s.step === 'verify' && s.action === 'run');

  return (
    <section className="stage" data-testid="stage-rescue" aria-labelledby="stage-rescue-title">
      <FocusHeading focusKey="rescue">
        <span id="stage-rescue-title">Step 3: Rescuing the device</span>
      </FocusHeading>
      {running && (
        <>
          <p className="lead" data-testid="rescue-active-step">
            {activeTitle ? `Now: ${activeTitle}. ${active ? STEP_WILL_DO[active] : ''}` : 'Starting…'}
          </p>
          <p className="muted">Keep the device plugged in until this finishes.</p>
          <OperationProgress operationId={operationId} testId="rescue-progress" />
          {progress?.phase === 'await-buttons' && device && <ButtonSequence device={device} />}
          <button type="button" className="btn" data-testid="rescue-cancel" disabled={!operationId} onClick={cancelRunning}>
            Cancel (stops at the next safe point)
          </button>
        </>
      )}
      <PlanList plan={diagnosis.plan} statusOf={rescueStepStatus(runSteps, active, running, outcomes, skipped)} outcomes={outcomes} />
      {stuck && (
        <StepStop
          outcome={stuck}
          title={stuckTitle ?? stuck.step}
          onRetry={() => (stuck.status === 'needs-you' && stuck.step.startsWith('reflash') ? backTo('plan') : void retryStep(stuck.step))}
          onSkip={canSkip(stuck.step, stuck) ? () => void skipStep(stuck.step) : null}
          onCancel={() => backTo('plan')}
        />
      )}
      {!stuck && rescue.status === 'failed' && <ErrorNotice problem={rescue.problem} testId="rescue-error" />}
      {!stuck && rescue.status === 'cancelled' && (
        <p role="status" data-testid="rescue-cancelled">
          The rescue stopped at a safe point. Nothing more is written.
        </p>
      )}
      {!running && !stuck && rescue.status !== 'idle' && (
        <div className="stage-actions">
          {allDone && verifyPlanned && (
            <button type="button" className="btn btn-primary" data-testid="go-verify" onClick={() => void runVerify()}>
              Check the cloud connection
            </button>
          )}
          {allDone && !verifyPlanned && <p data-testid="rescue-all-done">Every planned step succeeded.</p>}
          {!allDone && (
            <p className="muted" data-testid="rescue-not-verified">
              Not every step succeeded, so the cloud connection is not checked yet.
            </p>
          )}
          <button type="button" className="btn" onClick={() => backTo('plan')}>
            Back to the plan
          </button>
        </div>
      )}
    </section>
  );
}

/** The rescue stopped here: what happened, and Retry, Skip (when safe) or Cancel. */
function StepStop(props: { outcome: RescueStepOutcome; title: string; onRetry: () => void; onSkip: (() => void) | null; onCancel: () => void }) {
  const { outcome, title } = props;
  const yours = outcome.status === 'needs-you';
  return (
    <div className={`notice ${yours ? 'notice-warn' : 'notice-error'}`} role={yours ? 'status' : 'alert'} data-testid="step-stop" data-step={outcome.step} data-status={outcome.status}>
      <p>
        <strong>{yours ? `“${title}” is left to you.` : outcome.status === 'cancelled' ? `Stopped during “${title}”.` : `“${title}” failed.`}</strong>{' '}
        {yours ? 'The steps after it ran; the cloud connection is checked once this is done.' : 'Nothing after it was run.'}
      </p>
      <div className="stage-actions">
        <button type="button" className="btn btn-primary" data-testid="step-retry" onClick={props.onRetry}>
          {yours && outcome.step.startsWith('reflash') ? 'Choose the files and retry' : 'Retry this step'}
        </button>
        {props.onSkip ? (
          <button type="button" className="btn" data-testid="step-skip" onClick={props.onSkip}>
            {yours ? 'I did this myself' : 'Skip this step'}
          </button>
        ) : (
          <span className="muted" data-testid="step-skip-unsafe">
            Skipping is not offered: the steps after it need this one.
          </span>
        )}
        <button type="button" className="btn" data-testid="step-cancel" onClick={props.onCancel}>
          Cancel the rescue
        </button>
      </div>
    </div>
  );
}
