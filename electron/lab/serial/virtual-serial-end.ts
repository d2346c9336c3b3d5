import type { OutputQueueStats } from './output-queue';

/**
 * The device end of a virtual USB CDC port: what a virtual device (in this process, or later a remote
 * lab device) needs to talk to the host that opened the port.
 */
export interface VirtualSerialEnd {
  /** Device → host. Never blocks: unread output is buffered with a bound, oldest dropped first. */
  write(text: string): void;
  /** Host → device (keys typed on the port). Returns the unsubscribe. */
  onData(listener: (text: string) => void): () => void;
  close(): Promise<void>;
}

/** A virtual port as a device holds it: its end, where the host opens it, and whether it is enumerated. */
export interface SerialLink extends VirtualSerialEnd {
  /** What the app opens with `serialport`: `lab:<deviceId>` (the lab's binding) or a pty path (socat option). */
  readonly appPath: string;
  /** The CDC interface appears (normal/listening/safe mode) or goes (reset, DFU, unplug). */
  present(up: boolean): void;
  /** The line coding the host set (14400 / 28800 are Device OS commands). */
  onLineCoding(listener: (baudRate: number) => void): () => void;
  stats(): OutputQueueStats;
}
