import type { Diagnosis } from '../../../shared/contract/diagnosis';
import { READ_ONLY_HINT, useReadOnly } from '../app/app-info';
import { FocusHeading } from '../components/FocusHeading';
import { DiagnosisSummary } from './DiagnosisSummary';
import { FirmwarePicker } from './FirmwarePicker';
import { ManualSteps } from './ManualSteps';
import { PlanList } from './PlanList';
import { stepsToRun, useWizard } from './wizard-store';

export function PlanStage({ diagnosis }: { diagnosis: Diagnosis }) {
  const { startRescue, runVerify, backTo, setFirmware } = useWizard();
  const steps = stepsToRun(diagnosis.plan);
  const writes = steps;
  const verifyPlanned = diagnosis.plan.some((s) => s.step === 'verify' && s.action === 'run');
  const readOnly = useReadOnly();
  return (
    <section className="stage" data-testid="stage-plan" aria-labelledby="stage-plan-title">
      <FocusHeading focusKey="plan">
        <span id="stage-plan-title">Step 2: The diagnosis and the plan</span>
      </FocusHeading>
      <DiagnosisSummary diagnosis={diagnosis} />
      <h3>The plan</h3>
      <p className="muted">Steps are done in this order. Nothing is written before you press the button below.</p>
      <PlanList plan={diagnosis.plan} statusOf={(step) => (step === 'diagnose' ? 'done' : null)} />
      {steps.includes('reflash-os') && (
        <FirmwarePicker
          label="Device OS files for “Reinstall Device OS”"
          hint="Choose the system parts and bootloader (.bin or .zip) for this device, e.g. from Device Restore USB. Without files this step is left to you with advice."
          testId="firmware-os"
          onChange={(files) => setFirmware('os', files)}
        />
      )}
      {steps.includes('reflash-user') && (
        <FirmwarePicker
          label="Application for “Reinstall the application”"
          hint="Choose your application or Tinker (.bin). Without a file this step is left to you with advice."
          testId="firmware-user"
          onChange={(files) => setFirmware('user', files)}
        />
      )}
      <ManualSteps plan={diagnosis.plan} />
      {readOnly && writes.length > 0 && (
        <p className="notice notice-warn" data-testid="read-only-reason">
          Starting the rescue is switched off: {READ_ONLY_HINT.charAt(0).toLowerCase() + READ_ONLY_HINT.slice(1)}
        </p>
      )}
      <div className="stage-actions">
        {writes.length > 0 ? (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="start-rescue"
            disabled={readOnly}
            title={readOnly ? READ_ONLY_HINT : undefined}
            onClick={() => void startRescue()}
          >
            Start the rescue ({writes.length} step{writes.length === 1 ? '' : 's'} that change the device)
          </button>
        ) : verifyPlanned ? (
          <button type="button" className="btn btn-primary" data-testid="start-verify" onClick={() => void runVerify()}>
            Check the cloud connection
          </button>
        ) : (
          <p data-testid="nothing-to-do">Nothing on the device needs repair.</p>
        )}
        {writes.length > 0 && verifyPlanned && (
          <button type="button" className="btn" data-testid="check-only" onClick={() => void runVerify()}>
            Only check the cloud connection (changes nothing)
          </button>
        )}
        <button type="button" className="btn" onClick={() => backTo('diagnose')}>
          Back to the LED step
        </button>
      </div>
    </section>
  );
}
