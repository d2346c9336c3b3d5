import { describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatcher';
import type { HandlerMap } from './handler-types';

describe('dispatcher: never throws at a transport', () => {
  it('an input that throws while being read is refused as INVALID_INPUT, and no handler runs', async () => {
    const ran: string[] = [];
    const internal: string[] = [];
    const handlers = new Proxy({}, { get: (_t, key) => async () => ran.push(String(key)) }) as unknown as HandlerMap;
    const dispatch = createDispatcher(handlers, { readOnly: false, validateOutput: false, onInternalError: (m) => internal.push(m) });
    const hostile = {
      get deviceId(): string {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    const reply = await dispatch('dfu.enter', hostile, { transport: 'test' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(ran).toEqual([]);
    expect(internal).toEqual(['dfu.enter']);
  });
});
