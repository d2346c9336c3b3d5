import type { EventName, EventPayload } from '../../shared/contract';

export type BusListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Fan-out of contract events from services to every transport (IPC windows, WebSocket clients, CLI). */
export class EventBus {
  private readonly listeners = new Set<BusListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken subscriber (a closed window, a dead socket) must not stop the others.
      }
    }
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
