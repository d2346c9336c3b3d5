import { create } from 'zustand';
import type { OperationFinished, OperationRef, Progress } from '../../../shared/domain';
import { getApi, type ApiClient } from '../api';
import { toProblem, type Problem } from './problem';

interface OperationsState {
  progress: Record<string, Progress>;
  finished: Record<string, OperationFinished>;
}

/** Latest progress and final outcome of every operation this window has seen, by operation id. */
export const useOperations = create<OperationsState>(() => ({ progress: {}, finished: {} }));

const wired = new WeakSet<ApiClient>();

/** Subscribes once per client; events may arrive before the call that started the operation returns. */
export function wireOperationEvents(api: ApiClient = getApi()): void {
  if (wired.has(api)) return;
  wired.add(api);
  api.on('operations.progress', (p) => {
    useOperations.setState((s) => ({ progress: { ...s.progress, [p.operationId]: p } }));
  });
  api.on('operations.finished', (f) => {
    useOperations.setState((s) => ({ finished: { ...s.finished, [f.operationId]: f } }));
  });
}

/** Operations someone waits for: after a reconnect their outcome is asked for again. */
const awaited = new Set<string>();

/** Asks the host for the state of every awaited operation (events sent while the socket was down are lost). */
export function recheckOperations(api: ApiClient = getApi()): void {
  for (const operationId of awaited) askOutcome(api, operationId);
}

function askOutcome(api: ApiClient, operationId: string): void {
  api
    .call('operations.get', { operationId })
    .then((state) => {
      if (state.finished) {
        useOperations.setState((s) => ({ finished: { ...s.finished, [operationId]: state.finished as OperationFinished } }));
      }
    })
    .catch(() => undefined);
}

/** Resolves with the operation's end, whether it already happened or is still to come. */
export function awaitOperation(ref: OperationRef): Promise<OperationFinished> {
  const api = getApi();
  wireOperationEvents(api);
  return new Promise((resolve) => {
    const done = useOperations.getState().finished[ref.operationId];
    if (done) {
      resolve(done);
      return;
    }
    awaited.add(ref.operationId);
    const unsubscribe = useOperations.subscribe((s) => {
      const f = s.finished[ref.operationId];
      if (f) {
        unsubscribe();
        awaited.delete(ref.operationId);
        resolve(f);
      }
    });
    // A renderer that missed the event (reconnect) still learns the outcome.
    askOutcome(api, ref.operationId);
  });
}

export type OperationRun<R> =
  | { status: 'idle' }
  | { status: 'running'; operationId: string | null }
  | { status: 'succeeded'; operationId: string; result: R }
  | { status: 'failed'; operationId: string | null; problem: Problem }
  | { status: 'cancelled'; operationId: string };

/**
 * Starts an operation and waits for its end. The result type is the one the started method
 * documents (main validates it before sending).
 */
export async function followOperation<R>(begin: () => Promise<OperationRef>, onStart: (operationId: string) => void = () => undefined): Promise<OperationRun<R>> {
  let ref: OperationRef;
  try {
    ref = await begin();
  } catch (error) {
    return { status: 'failed', operationId: null, problem: toProblem(error) };
  }
  onStart(ref.operationId);
  const finished = await awaitOperation(ref);
  if (finished.status === 'succeeded') return { status: 'succeeded', operationId: ref.operationId, result: finished.result as R };
  if (finished.status === 'cancelled') return { status: 'cancelled', operationId: ref.operationId };
  return { status: 'failed', operationId: ref.operationId, problem: toProblem(finished.error) };
}
