import { useCallback, useEffect, useState } from 'react';
import type { BackupSummary } from '../../../shared/contract/backups';
import { getApi } from '../api';
import { toProblem, type Problem } from '../app/problem';
import { ErrorNotice } from '../components/ErrorNotice';
import { FocusHeading } from '../components/FocusHeading';
import { BackupRow } from './BackupRow';

export function BackupsView() {
  const [backups, setBackups] = useState<BackupSummary[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = useCallback(() => {
    getApi()
      .call('backups.list', {})
      .then((r) => setBackups(r.backups))
      .catch((e) => setProblem(toProblem(e)));
  }, []);
  useEffect(load, [load]);

  return (
    <div className="view" data-testid="backups-view">
      <FocusHeading testId="view-heading">Backups</FocusHeading>
      <p className="lead">Every repair backs up the device's configuration area and key slots first. You can check a backup and write it back.</p>
      {problem && <ErrorNotice problem={problem} />}
      {backups === null && !problem && <p className="muted">Loading…</p>}
      {backups?.length === 0 && <p>No backups yet.</p>}
      {backups && backups.length > 0 && (
        <ul className="backup-list" data-testid="backup-list">
          {backups.map((b) => (
            <BackupRow key={b.backupId} backup={b} onChanged={load} />
          ))}
        </ul>
      )}
    </div>
  );
}
