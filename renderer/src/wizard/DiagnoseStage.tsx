import { useState } from 'react';
import type { LedState } from '../../../shared/domain/led';
import type { DeviceSummary } from '../../../shared/domain';
import { getApi } from '../api';
import { useGuarded } from '../app/use-guarded';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { LedSwatch } from '../components/LedSwatch';
import { OperationProgress } from '../components/OperationProgress';
import { LedPicker } from '../diagnose/LedPicker';
import { useWizard } from './wizard-store';

export function DiagnoseStage({ device }: { device: DeviceSummary | undefined }) {
  const { ledPatternId, diagnosis, setLed, runDiagnosis, cancelRunning } = useWizard();
  const running = diagnosis.status === 'running';
  return (
    <section className="stage" data-testid="stage-diagnose" aria-labelledby="stage-diagnose-title">
      <FocusHeading focusKey="diagnose">
        <span id="stage-diagnose-title">Step 1: What is your LED doing?</span>
      </FocusHeading>
      <p className="lead">
        Look at the small RGB light on the device and pick the pattern that matches. Each swatch blinks at the real speed.
        {device ? ' Then let the app read the device for the full picture.' : ' Plug in a device for automatic findings; this guide works without one.'}
      </p>
      {device?.virtual && <VirtualLedHint deviceId={device.deviceId} onUse={setLed} />}
      <LedPicker value={ledPatternId} onChange={setLed} />
      {device && (
        <div className="stage-actions">
          <button type="button" className="btn btn-primary" data-testid="run-diagnosis" disabled={running} onClick={() => void runDiagnosis()}>
            {running ? 'Diagnosing…' : ledPatternId ? 'Diagnose with this LED pattern' : 'Diagnose without an LED pattern'}
          </button>
          <p className="muted">Diagnosing only reads from the device. Nothing is written.</p>
        </div>
      )}
      {running && (
        <>
          <OperationProgress operationId={diagnosis.operationId} testId="diagnosis-progress" />
          <button type="button" className="btn" data-testid="diagnosis-cancel" disabled={!diagnosis.operationId} onClick={cancelRunning}>
            Cancel
          </button>
        </>
      )}
      {diagnosis.status === 'cancelled' && (
        <p role="status" data-testid="diagnosis-cancelled">
          The diagnosis was stopped. Nothing was written.
        </p>
      )}
      {diagnosis.status === 'failed' && <ErrorNotice problem={diagnosis.problem} testId="diagnosis-error" />}
    </section>
  );
}

/** Demo aid: what the simulated LED shows, so a trainee can compare it with the picker. */
function VirtualLedHint({ deviceId, onUse }: { deviceId: string; onUse: (id: string) => void }) {
  const [led, setLedState] = useState<LedState | null>(null);
  const { problem, guard } = useGuarded();
  const look = () => guard(async () => setLedState(await getApi().call('lab.led', { deviceId })));
  return (
    <div className="virtual-led" data-testid="virtual-led">
      <button type="button" className="btn btn-small" data-testid="look-at-virtual-led" onClick={look}>
        Look at the virtual device's LED (demo)
      </button>
      {led && (
        <p data-testid="virtual-led-state" data-pattern-id={led.patternId}>
          <LedSwatch led={led} label={led.description} size="sm" /> {led.description}{' '}
          <button type="button" className="btn btn-small" onClick={() => onUse(led.patternId)}>
            Use this pattern
          </button>
        </p>
      )}
      {problem && <ErrorNotice problem={problem} />}
    </div>
  );
}
