import type { DeviceSummary } from '../../../shared/domain';
import { useOperations } from '../app/operations';
import type { OperationRun } from '../app/operations';
import { getApi } from '../api';
import { ButtonSequence } from './ButtonSequence';
import { ErrorNotice } from './ErrorNotice';
import { OperationProgress } from './OperationProgress';

/** The same progress UI everywhere: phase and bytes, the button guide when asked, cancel, errors. */
export function OperationPanel<R>({ run, device, testId }: { run: OperationRun<R>; device?: DeviceSummary; testId: string }) {
  const operationId = run.status === 'idle' ? null : run.operationId;
  const phase = useOperations((s) => (operationId ? s.progress[operationId]?.phase : undefined));
  if (run.status === 'idle') return null;
  return (
    <div className="operation-panel" data-testid={testId} data-status={run.status}>
      {run.status === 'running' && (
        <>
          <OperationProgress operationId={operationId} testId={`${testId}-progress`} />
          {phase === 'await-buttons' && device && <ButtonSequence device={device} />}
          {operationId && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => getApi().call('operations.cancel', { operationId }).catch(() => undefined)}
            >
              Cancel
            </button>
          )}
        </>
      )}
      {run.status === 'failed' && <ErrorNotice problem={run.problem} testId={`${testId}-error`} />}
      {run.status === 'cancelled' && (
        <p className="notice" role="status">
          Stopped at a safe point. You can start again at any time.
        </p>
      )}
    </div>
  );
}
