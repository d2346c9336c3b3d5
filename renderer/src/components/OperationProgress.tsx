import { useOperations } from '../app/operations';

/** Phase, message and bytes of a running operation, announced politely to screen readers. */
export function OperationProgress({ operationId, testId = 'progress' }: { operationId: string | null; testId?: string }) {
  const progress = useOperations((s) => (operationId ? s.progress[operationId] : undefined));
  const hasBytes = progress?.bytesTotal !== undefined && progress.bytesTotal > 0;
  return (
    <div className="progress" data-testid={testId} data-phase={progress?.phase ?? 'starting'} aria-live="polite">
      <p className="progress-message">
        <span className="progress-phase">{progress ? phaseLabel(progress.phase) : 'Starting'}</span>
        {progress?.message ? ` — ${progress.message}` : ''}
      </p>
      {hasBytes ? (
        <>
          <progress max={progress.bytesTotal} value={progress.bytesDone ?? 0} aria-label="Bytes done" />
          <span className="progress-bytes">
            {formatBytes(progress.bytesDone ?? 0)} of {formatBytes(progress.bytesTotal ?? 0)}
          </span>
        </>
      ) : (
        <progress aria-label="Working" />
      )}
    </div>
  );
}

export function phaseLabel(phase: string): string {
  const words = phase.replace(/[-_]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
