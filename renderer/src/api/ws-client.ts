import type { EventName, MethodName } from '../../../shared/contract';
import { WsServerFrameSchema } from '../../../shared/contract/envelope';
import { reconnectDelay, useConnection } from './connection';
import { ApiError, type ApiClient } from './types';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
}

const GONE = {
  code: 'INTERNAL' as const,
  message: 'The connection to the rescue host was lost.',
  fix: 'The app reconnects by itself. If the rescue host was stopped, start it again and open the new address it prints.',
};

export interface WsClientOptions {
  /** Called once the first socket is open: browser mode strips the token from the address bar here. */
  onFirstOpen?: () => void;
  /** Test hook: how sockets are made. */
  createSocket?: (url: string) => WebSocket;
  schedule?: (fn: () => void, ms: number) => unknown;
}

/**
 * Browser mode: the same contract over a loopback WebSocket. The token comes from the page URL the
 * host printed and stays in memory only; the host refuses sockets without it or from another origin.
 * When the host goes away the client reconnects with backoff; event listeners survive reconnects.
 */
export function createWsClient(url: string, options: WsClientOptions = {}): ApiClient {
  const makeSocket = options.createSocket ?? ((u: string) => new WebSocket(u));
  const schedule = options.schedule ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let everOpened = false;
  let socket: WebSocket;
  let opened: Promise<void>;

  const connect = (): void => {
    socket = makeSocket(url);
    const current = socket;
    opened = new Promise<void>((resolve, reject) => {
      current.addEventListener(
        'open',
        () => {
          const wasLost = useConnection.getState().state === 'lost';
          useConnection.setState((s) => ({ state: 'open', attempt: 0, nextInMs: null, generation: wasLost ? s.generation + 1 : s.generation }));
          if (!everOpened) {
            everOpened = true;
            options.onFirstOpen?.();
          }
          resolve();
        },
        { once: true },
      );
      current.addEventListener('error', () => reject(new ApiError(GONE)), { once: true });
    });
    opened.catch(() => undefined);
    current.addEventListener('message', (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = WsServerFrameSchema.safeParse(data);
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
    current.addEventListener('close', () => {
      // Only the socket in use counts: a late close of an earlier attempt must not start a second reconnect loop.
      if (current !== socket) return;
      for (const waiting of pending.values()) waiting.reject(new ApiError(GONE));
      pending.clear();
      const attempt = useConnection.getState().attempt + 1;
      const delay = reconnectDelay(attempt);
      useConnection.setState({ state: 'lost', attempt, nextInMs: delay });
      schedule(connect, delay);
    });
  };
  connect();

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

/** The page address without its token, for history.replaceState (the token stays in memory only). */
export function addressWithoutToken(location: { pathname: string; search: string; hash: string }): string {
  const params = new URLSearchParams(location.search);
  params.delete('token');
  const rest = params.toString();
  return `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`;
}
