import { useSyncExternalStore } from 'react';
import type { LogStore } from './log-store';

/** Re-renders when the store's visible content changes. */
export function useLogStoreVersion(store: LogStore): number {
  return useSyncExternalStore(
    (cb) => store.subscribe(cb),
    () => store.version,
  );
}
