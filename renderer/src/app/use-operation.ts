import { useCallback, useRef, useState } from 'react';
import type { OperationRef } from '../../../shared/domain';
import { followOperation, type OperationRun } from './operations';

export type { OperationRun };

/** One long operation owned by a component: start it, follow it, show where it is. */
export function useOperation<R>() {
  const [run, setRun] = useState<OperationRun<R>>({ status: 'idle' });
  const current = useRef(0);

  const start = useCallback(async (begin: () => Promise<OperationRef>): Promise<OperationRun<R>> => {
    const token = ++current.current;
    const set = (next: OperationRun<R>) => {
      if (token === current.current) setRun(next);
      return next;
    };
    set({ status: 'running', operationId: null });
    return set(await followOperation<R>(begin, (operationId) => set({ status: 'running', operationId })));
  }, []);

  const reset = useCallback(() => {
    current.current++;
    setRun({ status: 'idle' });
  }, []);

  return { run, start, reset };
}
