import { RescueError } from '../../../shared/errors';
import { cancelledError } from './sleep';

/**
 * A USB transfer that never completes must not hang an operation: race it against a timer and the
 * caller's cancel signal. The transfer itself is left to settle (or not) in the background.
 */
export function withTransferTimeout<T>(transfer: Promise<T>, timeoutMs: number, what: string, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) return Promise.reject(cancelledError());
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new RescueError(
          'TIMEOUT',
          `The device did not answer ${what} within ${Math.round(timeoutMs / 1000)} s.`,
          'Unplug the device, plug it back in (a data cable, directly into the computer) and try again.',
        ),
      );
    }, timeoutMs);
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    transfer.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
