import { create } from 'zustand';

/**
 * The rescue host connection as the user should know it: `lost` while the socket is down and being
 * re-opened (data on screen is then stale), `open` again after a reconnect.
 */
export interface ConnectionState {
  state: 'connecting' | 'open' | 'lost';
  /** Reconnect attempts since the connection was lost. */
  attempt: number;
  /** Seconds until the next attempt, when one is scheduled. */
  nextInMs: number | null;
  /** Bumped on every reconnect, so views can reload what they show. */
  generation: number;
}

export const useConnection = create<ConnectionState>(() => ({ state: 'connecting', attempt: 0, nextInMs: null, generation: 0 }));

/** Backoff between reconnect attempts: 0.5 s doubling to 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
}
