import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import type { ApiClient } from '../api';

type Handler<M extends MethodName> = (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type FakeHandlers = { [M in MethodName]?: Handler<M> };

export interface FakeApi extends ApiClient {
  calls: { method: MethodName; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  callsOf(method: MethodName): unknown[];
}

/** An in-memory ApiClient for component tests: scripted replies, recorded calls, pushed events. */
export function createFakeApi(handlers: FakeHandlers): FakeApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { method: MethodName; input: unknown }[] = [];
  return {
    transport: 'test',
    calls,
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      calls.push({ method, input });
      const handler = handlers[method] as Handler<M> | undefined;
      if (!handler) throw { code: 'UNKNOWN_METHOD', message: `No fake for ${method}.`, fix: 'Add it to the test.' };
      return handler(input);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => void set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    callsOf(method) {
      return calls.filter((c) => c.method === method).map((c) => c.input);
    },
  };
}

export const DEVICE_ID = '0123456789abcdef01234567';
