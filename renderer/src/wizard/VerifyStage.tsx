import type { Diagnosis, VerifyResult } from '../../../shared/contract/diagnosis';
import { findLedPattern } from '../../../shared/domain/led-catalog';
import { go } from '../app/nav-store';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { LedSwatch } from '../components/LedSwatch';
import { OperationProgress } from '../components/OperationProgress';
import { RichText } from '../components/RichText';
import { ManualSteps } from './ManualSteps';
import { PlanList } from './PlanList';
import { rescueStepStatus } from './RescueStage';
import { stepsToRun, useWizard } from './wizard-store';

const STATUS_TEXT: Record<VerifyResult['cloudStatus'], string> = {
  connected: 'Connected to the cloud',
  connecting: 'Still connecting',
  disconnected: 'Not connected',
  unknown: 'Could not be measured',
};

export function VerifyStage({ diagnosis }: { diagnosis: Diagnosis | null }) {
  const { verify, rescue, outcomes, skipped, runVerify, cancelRunning } = useWizard();
  const expected = findLedPattern('breathing-cyan');
  const reportId = rescue.status === 'succeeded' ? rescue.result.reportId : null;
  return (
    <section className="stage" data-testid="stage-verify" aria-labelledby="stage-verify-title">
      <FocusHeading focusKey="verify">
        <span id="stage-verify-title">Step 4: Is it back on the cloud?</span>
      </FocusHeading>
      <div className="verify-compare">
        <figure>
          {expected && <LedSwatch led={expected} label="Expected: breathing cyan (animated)" size="lg" />}
          <figcaption>Expected: breathing cyan</figcaption>
        </figure>
        {verify.status === 'succeeded' && verify.result.led && (
          <figure data-testid="verify-led" data-pattern-id={verify.result.led.patternId}>
            <LedSwatch led={verify.result.led} label={`Measured: ${verify.result.led.description}`} size="lg" />
            <figcaption>Device now: {verify.result.led.description}</figcaption>
          </figure>
        )}
      </div>
      {verify.status === 'running' && (
        <>
          <p className="lead">Waiting for the device to reach the cloud. This can take a minute; it stops early when waiting cannot help.</p>
          <OperationProgress operationId={verify.operationId} testId="verify-progress" bound={{ totalMs: 60_000 }} />
          <button type="button" className="btn" data-testid="verify-cancel" disabled={!verify.operationId} onClick={cancelRunning}>
            Cancel
          </button>
        </>
      )}
      {verify.status === 'succeeded' && <VerifyOutcome result={verify.result} />}
      {verify.status === 'failed' && <ErrorNotice problem={verify.problem} testId="verify-error" />}
      {verify.status === 'cancelled' && (
        <p role="status" data-testid="verify-cancelled">
          Stopped waiting. The device was not checked; press “Check again” when you are ready.
        </p>
      )}
      {diagnosis && <ManualSteps plan={diagnosis.plan} />}
      {diagnosis && rescue.status !== 'idle' && (
        <details className="rescue-done">
          <summary>What the rescue did</summary>
          <PlanList plan={diagnosis.plan} statusOf={rescueStepStatus(stepsToRun(diagnosis.plan), null, false, outcomes, skipped)} outcomes={outcomes} />
        </details>
      )}
      <div className="stage-actions">
        {reportId && (
          <button type="button" className="btn btn-primary" data-testid="open-report" onClick={() => go('reports', { reportId })}>
            Open the rescue report
          </button>
        )}
        {verify.status !== 'running' && (
          <button type="button" className="btn" data-testid="verify-again" onClick={() => void runVerify()}>
            Check again
          </button>
        )}
      </div>
    </section>
  );
}

function VerifyOutcome({ result }: { result: VerifyResult }) {
  const ok = result.cloudStatus === 'connected';
  return (
    <div
      className={`notice ${ok ? 'notice-ok' : 'notice-warn'}`}
      role="status"
      data-testid="verify-result"
      data-cloud-status={result.cloudStatus}
      data-ended-by={result.endedBy ?? ''}
    >
      <p>
        <strong>{STATUS_TEXT[result.cloudStatus]}.</strong> {result.message}
      </p>
      {!ok && result.fix && (
        <p data-testid="verify-fix">
          <strong>What to do: </strong>
          <RichText text={result.fix} />
        </p>
      )}
      {result.onlineInCloud !== null && (
        <p data-testid="verify-cloud-online">{result.onlineInCloud ? 'The Particle Cloud sees the device online.' : 'The Particle Cloud does not see it online yet.'}</p>
      )}
    </div>
  );
}
