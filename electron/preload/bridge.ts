import { EVENT_NAMES, METHOD_NAMES, ipcChannel, ipcEventChannel } from '../../shared/contract';

export interface IpcRendererLike {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): void;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): void;
}

/**
 * Exactly the contract, derived from it: one function per method and one subscription per event.
 * Nothing generic (no raw ipcRenderer, no invoke-by-name) reaches the page.
 */
export function buildBridge(ipc: IpcRendererLike) {
  const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const method of METHOD_NAMES) {
    const channel = ipcChannel(method);
    methods[method] = (input: unknown) => ipc.invoke(channel, input);
  }
  const events: Record<string, (listener: (payload: unknown) => void) => () => void> = {};
  for (const name of EVENT_NAMES) {
    const channel = ipcEventChannel(name);
    events[name] = (listener) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(channel, wrapped);
      return () => ipc.removeListener(channel, wrapped);
    };
  }
  return Object.freeze({ methods: Object.freeze(methods), events: Object.freeze(events) });
}
