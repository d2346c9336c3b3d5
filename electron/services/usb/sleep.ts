import { RescueError } from '../../../shared/errors';

/** Injectable delay: production waits for real, tests and the fast lab pass a no-op or fake clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export function cancelledError(): RescueError {
  return new RescueError('CANCELLED', 'The operation was cancelled.', 'Start it again when you are ready.');
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelledError();
}

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
