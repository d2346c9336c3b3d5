import { useState } from 'react';
import type { BackupSummary } from '../../../shared/contract/backups';
import { getApi } from '../api';
import { READ_ONLY_HINT, useReadOnly } from '../app/app-info';
import { useGuarded } from '../app/use-guarded';
import { useOperation } from '../app/use-operation';
import { ErrorNotice } from '../components/ErrorNotice';
import { OperationPanel } from '../components/OperationPanel';
import { formatBytes } from '../components/OperationProgress';

export function BackupRow({ backup, onChanged }: { backup: BackupSummary; onChanged: () => void }) {
  const [check, setCheck] = useState<{ ok: boolean; problems: string[] } | null>(null);
  const { problem, guard } = useGuarded();
  const [confirming, setConfirming] = useState(false);
  const { run, start, reset } = useOperation<unknown>();
  const readOnly = useReadOnly();

  const verify = () => guard(async () => setCheck(await getApi().call('backups.verify', { backupId: backup.backupId })));

  const restore = async (decision: { force?: boolean; uploadKey?: boolean } = {}) => {
    setConfirming(false);
    const r = await start(() => getApi().call('backups.restore', { backupId: backup.backupId, ...decision }));
    if (r.status === 'succeeded') onChanged();
  };
  // The backup's key is not one the cloud is known to hold: restoring it is the user's decision.
  const needsDecision = run.status === 'failed' && run.problem.code === 'RESTORE_NEEDS_DECISION';
  const restored = run.status === 'succeeded' ? (run.result as { upload?: string; messages?: string[] } | undefined) : undefined;

  return (
    <li className="backup" data-testid={`backup-${backup.backupId}`}>
      <h3>
        {backup.kind === 'dct' ? 'Configuration and keys' : 'Firmware'} of {backup.deviceId}
      </h3>
      <p className="muted">
        {new Date(backup.createdAt).toLocaleString()} — {backup.reason}
      </p>
      <p>
        Stored in <code>{backup.location}</code>
      </p>
      <ul className="backup-files">
        {backup.files.map((f) => (
          <li key={f.name}>
            {f.name} ({formatBytes(f.size)}) <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="btn" data-testid="backup-verify" onClick={verify}>
          Check the files
        </button>
        {!confirming && (
          <button type="button" className="btn" data-testid="backup-restore" disabled={run.status === 'running' || readOnly}
            title={readOnly ? READ_ONLY_HINT : undefined}
            onClick={() => setConfirming(true)}
          >
            Restore to the device
          </button>
        )}
      </div>
      {confirming && (
        <div className="confirm" role="group" aria-label="Confirm restore">
          <p>This writes the backup back to device {backup.deviceId} (it must be plugged in) and checks it by reading it back.</p>
          <button type="button" className="btn btn-primary" data-testid="backup-restore-yes" onClick={() => void restore()} autoFocus>
            Restore now
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {check && (
        <p role="status" data-testid="backup-check" data-ok={check.ok} className={check.ok ? 'ok-text' : 'error-text'}>
          {check.ok ? 'All files match their recorded fingerprints.' : `Problems: ${check.problems.join(' ')}`}
        </p>
      )}
      {needsDecision ? (
        <div className="notice notice-warn" role="group" aria-label="Restore an old key" data-testid="restore-decision">
          <p>{run.problem.message}</p>
          <p>Upload its public key so the device can connect with it (you must be signed in), or restore it as it is if you know the cloud still has it.</p>
          <button type="button" className="btn btn-primary" data-testid="restore-upload" disabled={readOnly} onClick={() => void restore({ uploadKey: true })}>
            Restore and upload its public key
          </button>
          <button type="button" className="btn" data-testid="restore-force" disabled={readOnly} onClick={() => void restore({ force: true })}>
            Restore anyway
          </button>
          <button type="button" className="btn" onClick={reset}>
            Cancel
          </button>
        </div>
      ) : (
        <OperationPanel run={run} testId="restore" />
      )}
      {run.status === 'succeeded' && (
        <p role="status" data-testid="restore-done">
          Restored and verified.{restored?.messages?.length ? ` ${restored.messages.join(' ')}` : ''}
        </p>
      )}
      {problem && <ErrorNotice problem={problem} />}
    </li>
  );
}
