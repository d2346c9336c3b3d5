import { contract, isMethodName, type MethodName } from '../../shared/contract';
import type { Envelope } from '../../shared/contract/envelope';
import { toErrorData, type RescueErrorData } from '../../shared/errors';
import type { CallContext, HandlerMap } from './handler-types';

export interface DispatcherOptions {
  readOnly: boolean;
  /** Check every output against the contract too (on in tests and development builds). */
  validateOutput: boolean;
  onInternalError?: (method: string, error: unknown) => void;
}

export type Dispatch = (method: unknown, rawInput: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

function fail(error: RescueErrorData): Envelope<never> {
  return { ok: false, error };
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * The generic binder: every transport (Electron IPC, WebSocket, CLI) calls this one function, so
 * validation, read-only policy and error mapping are identical everywhere.
 */
export function createDispatcher(handlers: HandlerMap, options: DispatcherOptions): Dispatch {
  return async (method, rawInput, ctx) => {
    if (!isMethodName(method)) {
      return fail({ code: 'UNKNOWN_METHOD', message: `There is no method called "${String(method)}".`, fix: 'Update the app: the renderer and main process disagree.' });
    }
    const def = contract.methods[method];
    if (options.readOnly && def.mutates) {
      return fail({
        code: 'READ_ONLY_MODE',
        message: `"${method}" changes a device or a file, and this rescue station runs read-only.`,
        fix: 'Restart the rescue host without --read-only to make changes.',
      });
    }
    let parsed: ReturnType<typeof def.input.safeParse>;
    try {
      parsed = def.input.safeParse(rawInput ?? {});
    } catch (error) {
      // A pathological input (nesting deep enough to exhaust the stack) is refused like any invalid one.
      options.onInternalError?.(method, error);
      return fail({ code: 'INVALID_INPUT', message: `The request to "${method}" could not be read.`, fix: 'Check the values you entered and try again.' });
    }
    if (!parsed.success) {
      return fail({
        code: 'INVALID_INPUT',
        message: `The request to "${method}" was not valid: ${describeIssues(parsed.error.issues)}.`,
        fix: 'Check the values you entered and try again.',
      });
    }
    try {
      const handler = handlers[method] as (input: unknown, c: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      if (!options.validateOutput) return { ok: true, value };
      const checked = def.output.safeParse(value);
      if (!checked.success) {
        options.onInternalError?.(method, new Error(`output of ${method} broke the contract: ${describeIssues(checked.error.issues)}`));
        return fail(toErrorData(null));
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      const data = toErrorData(error);
      if (data.code === 'INTERNAL') options.onInternalError?.(method, error);
      return fail(data);
    }
  };
}

export type { MethodName };
