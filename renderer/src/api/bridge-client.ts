import type { EventName, MethodName } from '../../../shared/contract';
import type { Envelope } from '../../../shared/contract/envelope';
import { ApiError, type ApiClient } from './types';

/** What electron/preload exposes on window: one function per contract method and event. */
export interface PreloadBridge {
  methods: Record<string, (input: unknown) => Promise<Envelope<unknown>>>;
  events: Record<string, (listener: (payload: unknown) => void) => () => void>;
}

export function createBridgeClient(bridge: PreloadBridge): ApiClient {
  return {
    transport: 'electron',
    async call(method: MethodName, input: unknown) {
      const fn = bridge.methods[method];
      if (!fn) throw new ApiError({ code: 'UNKNOWN_METHOD', message: `The app has no method "${method}".`, fix: 'Restart Particle Rescue.' });
      const envelope = await fn(input);
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.value as never;
    },
    on(event: EventName, listener: (payload: never) => void) {
      const subscribe = bridge.events[event];
      if (!subscribe) return () => undefined;
      return subscribe(listener as (payload: unknown) => void);
    },
  };
}
