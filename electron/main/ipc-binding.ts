import { EVENT_NAMES, METHOD_NAMES, ipcChannel, ipcEventChannel } from '../../shared/contract';
import type { Envelope } from '../../shared/contract/envelope';
import type { Dispatch } from '../rpc/dispatcher';
import type { EventBus } from '../rpc/event-bus';
import type { FrameLike } from './security-policy';

/** The parts of Electron's ipcMain / IpcMainInvokeEvent the binding needs (mockable in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: FrameLike | null }, input: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventSink {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

const FORBIDDEN: Envelope<never> = {
  ok: false,
  error: {
    code: 'FORBIDDEN_SENDER',
    message: 'This request did not come from the Particle Rescue window.',
    fix: 'Use the app window itself; embedded or foreign pages cannot control devices.',
  },
};

/**
 * Electron transport: one ipcMain handler per contract method, each behind the sender check and the
 * shared dispatcher (which validates input). Events go to the app window only.
 */
export function bindIpc(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  isTrusted: (frame: FrameLike | null) => boolean,
  bus: EventBus,
  sink: () => EventSink | null,
): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, input) => {
      if (!isTrusted(event.senderFrame)) return FORBIDDEN;
      return dispatch(method, input, { transport: 'electron' });
    });
  }
  const unsubscribe = bus.subscribe((name, payload) => {
    const target = sink();
    if (target && !target.isDestroyed() && EVENT_NAMES.includes(name)) target.send(ipcEventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const method of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
  };
}
