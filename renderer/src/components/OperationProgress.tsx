import { useEffect, useRef, useState } from 'react';
import { useOperations } from '../app/operations';
import { timeLeft, type RateSample } from './time-left';

/**
 * Phase, message and bytes of a running operation, announced politely to screen readers. Time left
 * comes from the measured byte rate of this phase; a wait with a known bound (`bound`) counts down
 * from when it started.
 */
export function OperationProgress({ operationId, testId = 'progress', bound }: { operationId: string | null; testId?: string; bound?: { totalMs: number } }) {
  const progress = useOperations((s) => (operationId ? s.progress[operationId] : undefined));
  const hasBytes = progress?.bytesTotal !== undefined && progress.bytesTotal > 0;
  const first = useRef<RateSample | null>(null);
  const started = useRef<number>(Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    started.current = Date.now();
  }, [operationId]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const done = Math.min(progress?.bytesDone ?? 0, progress?.bytesTotal ?? 0);
  const sample: RateSample | null = hasBytes ? { at: now, phase: progress.phase, bytesDone: done, bytesTotal: progress.bytesTotal ?? 0 } : null;
  if (sample && (!first.current || first.current.phase !== sample.phase || first.current.bytesDone > sample.bytesDone)) first.current = sample;
  const left = sample && first.current ? timeLeft(first.current, sample) : null;
  const boundLeft = bound && !hasBytes ? Math.max(0, Math.ceil((started.current + bound.totalMs - now) / 1000)) : null;
  return (
    <div className="progress" data-testid={testId} data-phase={progress?.phase ?? 'starting'} aria-live="polite">
      <p className="progress-message">
        <span className="progress-phase">{progress ? phaseLabel(progress.phase) : 'Starting'}</span>
        {progress?.message ? ` — ${progress.message}` : ''}
      </p>
      {hasBytes ? (
        <>
          <progress max={progress.bytesTotal} value={done} aria-label="Bytes done" aria-valuetext={`${formatBytes(done)} of ${formatBytes(progress.bytesTotal ?? 0)}`} />
          <span className="progress-bytes" data-testid={`${testId}-bytes`}>
            {formatBytes(done)} of {formatBytes(progress.bytesTotal ?? 0)} ({percent(done, progress.bytesTotal ?? 0)})
            {left !== null && <span data-testid={`${testId}-left`}> · about {formatSeconds(left)} left</span>}
          </span>
        </>
      ) : (
        <>
          <progress aria-label="Working" />
          {boundLeft !== null && (
            <span className="progress-bytes" data-testid={`${testId}-left`} aria-live="off">
              {' '}
              at most {formatSeconds(boundLeft)} left
            </span>
          )}
        </>
      )}
    </div>
  );
}

/** Whole percent, rounded down: "100%" only when every byte is done. */
export function percent(done: number, total: number): string {
  if (total <= 0) return '0%';
  return `${Math.floor((Math.min(done, total) / total) * 100)}%`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
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
