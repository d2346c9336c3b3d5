import type { EventName, MethodName } from '../../../shared/contract';
import { WsServerFrameSchema } from '../../../shared/contract/envelope';
import { ApiError, type ApiClient } from './types';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
}

const GONE = {
  code: 'INTERNAL' as const,
  message: 'The connection to the rescue host was lost.',
  fix: 'Check that the rescue host is still running, then reload this page.',
};

/**
 * Browser mode: the same contract over a loopback WebSocket. The token comes from the page URL the
 * host printed; the host refuses sockets without it or from another origin.
 */
export function createWsClient(url: string): ApiClient {
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new ApiError(GONE)), { once: true });
  });
  opened.catch(() => undefined);
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  socket.addEventListener('message', (message) => {
    const parsed = WsServerFrameSchema.safeParse(JSON.parse(String(message.data)));
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'event') {
      for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
      return;
    }
    const waiting = pending.get(frame.id);
    if (!waiting) return;
    pending.delete(frame.id);
    if (frame.ok) waiting.resolve(frame.value);
    else waiting.reject(new ApiError(frame.error ?? GONE));
  });
  socket.addEventListener('close', () => {
    for (const waiting of pending.values()) waiting.reject(new ApiError(GONE));
    pending.clear();
  });

  return {
    transport: 'browser',
    async call(method: MethodName, input: unknown) {
      await opened;
      if (socket.readyState !== WebSocket.OPEN) throw new ApiError(GONE);
      const id = nextId++;
      return new Promise<never>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ type: 'call', id, method, input: input ?? {} }));
      });
    },
    on(event: EventName, listener: (payload: never) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

/** ws://host/rpc?token=… derived from the page address http://host/?token=…. */
export function wsUrlFromLocation(location: { protocol: string; host: string; search: string }): string | null {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return null;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/rpc?token=${encodeURIComponent(token)}`;
}
