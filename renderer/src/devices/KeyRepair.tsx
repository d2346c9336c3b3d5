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

function RepairSummary({ result }: { result: RepairResult }) {
  const headline = HEADLINE[result.action];
  return (
    <div className="notice notice-ok" role="status" data-testid="repair-result" data-action={result.action}>
      <p>
        <strong>{headline}</strong>
        {result.serverKeyWritten ? ' The server key was rewritten too.' : ''}
      </p>
      <p>{UPLOAD_TEXT[result.upload]}</p>
      {result.cloudConnected !== null && (
        <p data-testid="repair-cloud">{result.cloudConnected ? 'The device is back on the cloud (breathing cyan).' : 'The device has not reached the cloud yet.'}</p>
      )}
      {result.messages.map((m) => (
        <p key={m}>
          <RichText text={m} />
        </p>
      ))}
      {result.backupId && <p>Backup saved as {result.backupId} (see Backups).</p>}
      {result.keyFile && (
        <p>
          The device key was also saved (owner-only) at <code>{result.keyFile}</code>.
        </p>
      )}
      <SlotHashes before={result.before} after={result.after} />
    </div>
  );
}
