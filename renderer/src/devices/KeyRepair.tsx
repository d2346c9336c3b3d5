import { useState } from 'react';
import type { RepairResult } from '../../../shared/contract/keys';
import type { DeviceSummary } from '../../../shared/domain';
import { OperationPanel } from '../components/OperationPanel';
import { READ_ONLY_HINT, useReadOnly } from '../app/app-info';
import { RichText } from '../components/RichText';
import { SlotHashes } from '../components/SlotHashes';
import { clearRepair, repairRun, startRepair, useRepairs } from './repairs-store';

const UPLOAD_TEXT: Record<RepairResult['upload'], string> = {
  done: 'The new public key is registered with the cloud.',
  queued: 'The cloud upload is queued: it will be sent when you are logged in and online.',
  'not-needed': 'The cloud already knew this key.',
};

/** One-click key repair: one confirmation, then the same progress UI as the wizard. */
export function KeyRepair({ device }: { device: DeviceSummary }) {
  const [confirming, setConfirming] = useState(false);
  const run = useRepairs(repairRun(device.deviceId));
  const pending = useRepairs((s) => s.pending[device.deviceId]);
  const readOnly = useReadOnly();
  const busy = run.status === 'running' || device.busy || readOnly;

  const repair = () => {
    setConfirming(false);
    void startRepair(device.deviceId);
  };

  return (
    <div className="key-repair">
      {!confirming && run.status !== 'running' && (
        <button type="button" className="btn" data-testid="repair-keys" disabled={busy} title={readOnly ? READ_ONLY_HINT : undefined} onClick={() => {
            clearRepair(device.deviceId);
            setConfirming(true);
          }}>
          Repair keys
        </button>
      )}
      {pending && run.status === 'idle' && !confirming && (
        <div className="notice notice-warn" role="status" data-testid="repair-pending">
          <p>
            A key repair stopped part-way on {new Date(pending.startedAt).toLocaleString()} (last finished step: {pending.lastCompletedStep}).
            {pending.lastError ? ` It stopped because: ${pending.lastError}` : ''}
            {pending.uploadQueued ? ' Its cloud upload is still queued.' : ''} Resume it to finish from where it stopped.
          </p>
          <button type="button" className="btn btn-primary" data-testid="repair-resume" disabled={busy} onClick={() => void startRepair(device.deviceId, 'resume')}>
            Resume the repair
          </button>
        </div>
      )}
      {confirming && (
        <div className="confirm" role="group" aria-label="Confirm key repair" data-testid="repair-confirm">
          <p>
            This backs up the configuration area, writes a fresh device key (and the server key if it is wrong), registers the new
            key with the cloud and checks the connection. The device restarts along the way.
          </p>
          <button type="button" className="btn btn-primary" data-testid="repair-confirm-yes" onClick={repair} autoFocus>
            Repair now
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      <OperationPanel run={run} device={device} testId="repair" />
      {run.status === 'succeeded' && <RepairSummary result={run.result} />}
    </div>
  );
}

const HEADLINE: Record<RepairResult['action'], string> = {
  'none-needed': 'The keys were already fine: nothing was written.',
  generated: 'A fresh device key was written.',
  'restored-from-backup': 'The device key was restored from a backup the cloud already knows.',
  'kept-key': 'The device key was kept; only the server key needed rewriting.',
};

const OFFLINE_TEXT: Record<NonNullable<RepairResult['offlineReason']>, string> = {
  'cloud-refused-key': 'The cloud refused the device key.',
  'cloud-unreachable': 'The cloud server could not be reached.',
  'no-network': 'The device did not get onto its network.',
  unknown: 'The device did not say why.',
};

function RepairSummary({ result }: { result: RepairResult }) {
  if (result.needsDecision) return <RegenerateDecision result={result} />;
  const proven = result.action !== 'none-needed' || result.found?.verdict !== 'unknown';
  const headline = result.action === 'none-needed' && result.found && result.found.verdict !== 'good' ? 'Nothing was written.' : HEADLINE[result.action];
  const online = result.cloudConnected === true;
  return (
    <div className={`notice ${online || (result.action === 'none-needed' && proven) ? 'notice-ok' : 'notice-warn'}`} role="status" data-testid="repair-result" data-action={result.action}>
      <p>
        <strong>{headline}</strong>
        {result.serverKeyWritten ? ' The server key was rewritten too.' : ''}
      </p>
      <p>{UPLOAD_TEXT[result.upload]}</p>
      {result.cloudConnected !== null && (
        <p data-testid="repair-cloud">
          {result.cloudConnected
            ? 'The device is back on the cloud (breathing cyan).'
            : `Repaired, not yet online. ${result.offlineReason ? OFFLINE_TEXT[result.offlineReason] : ''}`}
        </p>
      )}
      {result.fellBackToNewKey && <p>The restored key was refused by the cloud, so a new key was generated and uploaded.</p>}
      {result.messages.map((m) => (
        <p key={m}>
          <RichText text={m} />
        </p>
      ))}
      {(result.backups ?? (result.backupId ? [{ backupId: result.backupId, location: '' }] : [])).map((b) => (
        <p key={b.backupId}>
          Backup saved as {b.backupId}
          {b.location ? (
            <>
              {' '}
              in <code>{b.location}</code>
            </>
          ) : null}{' '}
          (see Backups).
        </p>
      ))}
      {result.keyFile && (
        <p>
          The device key was also saved (owner-only) at <code>{result.keyFile}</code>.
        </p>
      )}
      <SlotHashes before={result.before} after={result.after} />
    </div>
  );
}

/** The keys could not be proven good or bad: nothing was written; the user picks what they saw, or regenerates. */
function RegenerateDecision({ result }: { result: RepairResult }) {
  const readOnly = useReadOnly();
  return (
    <div className="notice notice-warn" role="group" aria-label="Key repair needs your decision" data-testid="repair-decision">
      {result.messages.slice(0, 1).map((m) => (
        <p key={m}>
          <RichText text={m} />
        </p>
      ))}
      <p>Nothing was written. Did the LED blink cyan with red or orange bursts before? Then the cloud refuses the key and a new one fixes it.</p>
      <button type="button" className="btn btn-primary" data-testid="repair-led-refused" disabled={readOnly} onClick={() => void startRepair(result.deviceId, 'new', { ledPatternId: 'cyan-red-burst' })}>
        Yes, it blinked cyan with bursts: repair
      </button>
      <button type="button" className="btn" data-testid="repair-regenerate" disabled={readOnly} onClick={() => void startRepair(result.deviceId, 'new', { regenerateIfUnknown: true })}>
        Replace the key anyway
      </button>
    </div>
  );
}
