import { create } from 'zustand';
import { getApi, type ApiClient } from '../api';
import { LogStore } from './log-store';

/** One store per device; lines keep arriving into it while the user looks at another view. */
const stores = new Map<string, LogStore>();
const wired = new WeakSet<ApiClient>();

export const useStreaming = create<{ streaming: Record<string, string> }>(() => ({ streaming: {} }));

export function logStoreFor(deviceId: string): LogStore {
  let store = stores.get(deviceId);
  if (!store) {
    store = new LogStore();
    stores.set(deviceId, store);
  }
  return store;
}

export function wireLogEvents(api: ApiClient = getApi()): void {
  if (wired.has(api)) return;
  wired.add(api);
  api.on('logs.lines', (batch) => logStoreFor(batch.deviceId).append(batch.lines));
}

export async function startStreaming(deviceId: string): Promise<void> {
  const api = getApi();
  wireLogEvents(api);
  const { path } = await api.call('logs.start', { deviceId });
  useStreaming.setState((s) => ({ streaming: { ...s.streaming, [deviceId]: path } }));
}

export async function stopStreaming(deviceId: string): Promise<void> {
  await getApi().call('logs.stop', { deviceId });
  useStreaming.setState((s) => {
    const next = { ...s.streaming };
    delete next[deviceId];
    return { streaming: next };
  });
}
