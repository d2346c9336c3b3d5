import { useCallback, useState } from 'react';
import { toProblem, type Problem } from './problem';

/** Runs an action and keeps its failure as a Problem to show (message + fix), clearing it on retry. */
export function useGuarded() {
  const [problem, setProblem] = useState<Problem | null>(null);
  const guard = useCallback(async (action: () => Promise<void>): Promise<void> => {
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(toProblem(error));
    }
  }, []);
  return { problem, guard, setProblem };
}
