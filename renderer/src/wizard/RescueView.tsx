import { useEffect, useRef } from 'react';
import type { DeviceSummary } from '../../../shared/domain';
import { useDevices } from '../app/devices-store';
import { FocusHeading } from '../components/FocusHeading';
import { MODE_TEXT } from '../devices/mode-text';
import { DiagnoseStage } from './DiagnoseStage';
import { PlanStage } from './PlanStage';
import { RescueStage } from './RescueStage';
import { VerifyStage } from './VerifyStage';
import { isRunning, useWizard, type WizardStage } from './wizard-store';

const STAGES: { id: WizardStage; label: string }[] = [
  { id: 'diagnose', label: 'Diagnose' },
  { id: 'plan', label: 'Plan' },
  { id: 'rescue', label: 'Rescue' },
  { id: 'verify', label: 'Verify' },
];

/** After an operation the device may re-enumerate (leave DFU, restart) for this long without being re-plugged. */
const REPLUG_QUIET_MS = 20_000;

export function RescueView() {
  const devices = useDevices((s) => s.devices);
  const { deviceId, stage, diagnosis, selectDevice, startOver } = useWizard();
  const running = useWizard(isRunning);
  // The device leaves the list for a moment while it re-enumerates (normal ↔ DFU) mid-rescue.
  const lastSeen = useRef<DeviceSummary | undefined>(undefined);
  const listed = devices.find((d) => d.deviceId === deviceId);
  if (listed) lastSeen.current = listed;
  const device = listed ?? (lastSeen.current?.deviceId === deviceId ? lastSeen.current : undefined);
  const only = devices.length === 1 ? devices[0].deviceId : null;

  // Unplugged and plugged in again while the wizard is not working on it: a fresh wizard. A device
  // also leaves the list for a moment after a diagnosis or rescue (DFU and back), which is no re-plug.
  const goneWhileIdle = useRef(false);
  const lastBusy = useRef(0);
  if (running) lastBusy.current = Date.now();
  useEffect(() => {
    if (!deviceId) return;
    const settled = !running && Date.now() - lastBusy.current > REPLUG_QUIET_MS;
    if (!listed && settled) goneWhileIdle.current = true;
    else if (listed && goneWhileIdle.current) {
      goneWhileIdle.current = false;
      if (!running) startOver();
    } else if (running) goneWhileIdle.current = false;
  }, [deviceId, listed, running, startOver]);

  useEffect(() => {
    // With exactly one device attached there is nothing to choose.
    if (!useWizard.getState().deviceId && only) selectDevice(only);
  }, [only, selectDevice]);
  const result = diagnosis.status === 'succeeded' ? diagnosis.result : null;
  const stageIndex = STAGES.findIndex((s) => s.id === stage);

  return (
    <div className="view" data-testid="rescue-view">
      <FocusHeading testId="view-heading" focusKey="rescue-view">
        Rescue wizard
      </FocusHeading>
      <label className="field-inline">
        <span>Device</span>
        <select data-testid="wizard-device" value={device?.deviceId ?? ''} onChange={(e) => selectDevice(e.target.value || null)}>
          <option value="">No device (LED guide only)</option>
          {devices.map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.platformName} {d.deviceId} — {MODE_TEXT[d.mode]}
              {d.virtual ? ' — virtual device (demo)' : ''}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn btn-small" data-testid="wizard-start-over" onClick={startOver}>
        Start over
      </button>
      <ol className="stepper" aria-label="Wizard progress">
        {STAGES.map((s, i) => (
          <li key={s.id} className={i < stageIndex ? 'done' : i === stageIndex ? 'current' : ''} aria-current={i === stageIndex ? 'step' : undefined}>
            {s.label}
          </li>
        ))}
      </ol>
      {stage === 'diagnose' && <DiagnoseStage device={device} />}
      {stage === 'plan' && result && <PlanStage diagnosis={result} />}
      {stage === 'rescue' && result && <RescueStage diagnosis={result} device={device} />}
      {stage === 'verify' && <VerifyStage diagnosis={result} />}
    </div>
  );
}
