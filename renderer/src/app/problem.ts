/** What the user sees when something fails: the contract's message and fix, never a stack. */
export interface Problem {
  code: string;
  message: string;
  fix: string;
  /** Structured extras some errors carry (a rescue's report id and step outcomes). */
  details?: Record<string, unknown>;
}

const UNEXPECTED: Problem = {
  code: 'INTERNAL',
  message: 'Something unexpected went wrong.',
  fix: 'Try again. If it keeps happening, export the operation log from the Logs view and report it.',
};

export function toProblem(error: unknown): Problem {
  if (typeof error === 'object' && error !== null) {
    const e = error as Partial<Record<keyof Problem, unknown>>;
    if (typeof e.code === 'string' && typeof e.message === 'string' && typeof e.fix === 'string') {
      const details = typeof e.details === 'object' && e.details !== null ? { details: e.details as Record<string, unknown> } : {};
      return { code: e.code, message: e.message, fix: e.fix, ...details };
    }
  }
  return UNEXPECTED;
}
