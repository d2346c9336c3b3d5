import type { LogFilter, LogLine } from '../../../shared/contract/logs';
import { RescueError } from '../../../shared/errors';
import type { EventBus } from '../../rpc/event-bus';
import type { OperationLog } from '../operations/operation-log';
import type { SerialAccess, SerialPortRef } from '../usb/usb-source';
import { LineSplitter } from './line-splitter';
import { filterLogLines, formatLogLine, parseLogLine } from './log-parser';
import { closePort, LOG_BAUD, openPort, type LogPort } from './open-port';
import { RingBuffer } from './ring-buffer';

export interface SerialServiceDeps {
  opLog: OperationLog;
  bus?: EventBus;
  /** Tried in order: the lab's virtual ports, then real hardware. */
  locators: SerialAccess[];
  /** Lines kept per device; older ones are dropped. */
  capacity?: number;
  /** Lines are pushed to the renderer in batches, at most this often. */
  batchMs?: number;
  /**
   * After the device drops its port (a reset, DFU, unplug) the stream waits this long for it to come
   * back and resumes by itself; 0 = give up at once.
   */
  followMs?: number;
  /** How often a dropped port is looked for again. */
  retryMs?: number;
  open?: (path: string, baudRate: number) => Promise<LogPort>;
  now?: () => Date;
}

export interface SerialPortEntry {
  path: string;
  deviceId: string;
  virtual: boolean;
}

interface Stream {
  path: string;
  port: LogPort;
  /** Set when we close it, so a close by the device can be told apart. */
  closing: boolean;
  splitter: LineSplitter;
  pending: LogLine[];
  timer: ReturnType<typeof setTimeout> | null;
}

/** A batch is sent at once when it grows this large, so a log flood cannot build one huge message. */
const MAX_BATCH = 2000;

/** Live Device OS serial logs per device: parsed, bounded in memory, batched to the UI, exportable. */
export class SerialService {
  private readonly streams = new Map<string, Stream>();
  private readonly opening = new Map<string, Promise<{ path: string }>>();
  private readonly buffers = new Map<string, RingBuffer<LogLine>>();
  private readonly seqs = new Map<string, number>();
  /** Devices whose log the user asked for (start … stop): followed across resets. */
  private readonly wanted = new Set<string>();
  private readonly capacity: number;
  private readonly batchMs: number;
  private readonly followMs: number;
  private readonly retryMs: number;
  private readonly open: (path: string, baudRate: number) => Promise<LogPort>;
  private readonly now: () => Date;

  constructor(private readonly deps: SerialServiceDeps) {
    this.capacity = deps.capacity ?? 50_000;
    this.batchMs = deps.batchMs ?? 100;
    this.followMs = deps.followMs ?? 10 * 60_000;
    this.retryMs = deps.retryMs ?? 1000;
    this.open = deps.open ?? openPort;
    this.now = deps.now ?? (() => new Date());
  }

  /** The serial port of each given device that has one. */
  async ports(deviceIds: readonly string[]): Promise<SerialPortEntry[]> {
    const out: SerialPortEntry[] = [];
    for (const deviceId of deviceIds) {
      const ref = await this.locate(deviceId);
      if (ref) out.push({ deviceId, ...ref });
    }
    return out;
  }

  isStreaming(deviceId: string): boolean {
    return this.streams.has(deviceId);
  }

  /** Idempotent: a second start (also while the first is still opening) shares the same stream. */
  start(deviceId: string): Promise<{ path: string }> {
    this.wanted.add(deviceId);
    return this.connect(deviceId).catch((error: unknown) => {
      this.wanted.delete(deviceId);
      throw error;
    });
  }

  private connect(deviceId: string): Promise<{ path: string }> {
    const running = this.streams.get(deviceId);
    if (running) return Promise.resolve({ path: running.path });
    let opening = this.opening.get(deviceId);
    if (!opening) {
      opening = this.openStream(deviceId).finally(() => this.opening.delete(deviceId));
      this.opening.set(deviceId, opening);
    }
    return opening;
  }

  /** True when the log was being streamed (or waited for after a reset). */
  async stop(deviceId: string): Promise<boolean> {
    const wasWanted = this.wanted.delete(deviceId);
    const stream = this.streams.get(deviceId);
    if (!stream) return wasWanted;
    stream.closing = true;
    await closePort(stream.port);
    this.ended(deviceId, stream);
    return true;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...new Set([...this.streams.keys(), ...this.wanted])].map((id) => this.stop(id)));
  }

  /** Buffered lines, oldest first. */
  lines(deviceId: string): LogLine[] {
    return this.buffers.get(deviceId)?.toArray() ?? [];
  }

  export(deviceId: string, filter?: LogFilter): { fileName: string; content: string } {
    const lines = filterLogLines(this.lines(deviceId), filter);
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    return { fileName: `particle-log-${deviceId}-${stamp}.txt`, content: lines.map(formatLogLine).join('\n') + (lines.length ? '\n' : '') };
  }

  private async openStream(deviceId: string): Promise<{ path: string }> {
    const ref = await this.locate(deviceId);
    if (!ref) {
      throw new RescueError(
        'SERIAL_UNAVAILABLE',
        `No USB serial port was found for device ${deviceId}.`,
        'The port exists while Device OS runs (not in DFU mode); on Gen 3 and newer only when the application calls Serial.begin(). Replug the device and try again.',
      );
    }
    const port = await this.open(ref.path, LOG_BAUD);
    const stream: Stream = { path: ref.path, port, closing: false, splitter: new LineSplitter(), pending: [], timer: null };
    this.streams.set(deviceId, stream);
    port.on('data', (chunk: Buffer) => this.accept(deviceId, stream, stream.splitter.push(chunk)));
    port.on('error', (error: Error) => this.deps.opLog.write('serial', 'warn', `Serial port ${ref.path}: ${error.message}`, { deviceId }));
    port.on('close', () => this.ended(deviceId, stream));
    this.deps.opLog.write('serial', 'info', `Serial log started on ${ref.path}${ref.virtual ? ' (virtual device)' : ''}`, { deviceId });
    return { path: ref.path };
  }

  private async locate(deviceId: string): Promise<SerialPortRef | null> {
    for (const locator of this.deps.locators) {
      const ref = await locator.locate(deviceId).catch(() => null);
      if (ref) return ref;
    }
    return null;
  }

  private accept(deviceId: string, stream: Stream, raw: string[]): void {
    if (raw.length === 0) return;
    let buffer = this.buffers.get(deviceId);
    if (!buffer) this.buffers.set(deviceId, (buffer = new RingBuffer<LogLine>(this.capacity)));
    const receivedAt = this.now().toISOString();
    let seq = this.seqs.get(deviceId) ?? 0;
    for (const text of raw) {
      const line: LogLine = { seq: seq++, deviceId, receivedAt, ...parseLogLine(text) };
      buffer.push(line);
      stream.pending.push(line);
    }
    this.seqs.set(deviceId, seq);
    if (stream.pending.length >= MAX_BATCH) this.flush(deviceId, stream);
    else stream.timer ??= setTimeout(() => this.flush(deviceId, stream), this.batchMs);
  }

  private flush(deviceId: string, stream: Stream): void {
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = null;
    if (stream.pending.length === 0) return;
    const pending = stream.pending;
    stream.pending = [];
    for (let i = 0; i < pending.length; i += MAX_BATCH) this.deps.bus?.emit('logs.lines', { deviceId, lines: pending.slice(i, i + MAX_BATCH) });
  }

  /** Closed by us or by the device (reset, unplug): keep the buffer, deliver what is pending. */
  private ended(deviceId: string, stream: Stream): void {
    if (this.streams.get(deviceId) !== stream) return;
    this.streams.delete(deviceId);
    this.accept(deviceId, stream, stream.splitter.flush());
    this.flush(deviceId, stream);
    this.deps.opLog.write('serial', 'info', `Serial log stopped on ${stream.path}`, { deviceId });
    if (!stream.closing && this.wanted.has(deviceId)) void this.follow(deviceId);
  }

  /** The device dropped its port (reset, DFU, unplug): reopen it when it comes back. */
  private async follow(deviceId: string): Promise<void> {
    this.deps.opLog.write('serial', 'info', 'The device closed its serial port (reset, DFU mode or unplugged); waiting for it to come back', { deviceId });
    const deadline = Date.now() + this.followMs;
    while (this.wanted.has(deviceId) && !this.streams.has(deviceId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.retryMs).unref?.());
      if (!this.wanted.has(deviceId)) return;
      try {
        await this.connect(deviceId);
        return;
      } catch {
        // Not back yet: try again until the deadline.
      }
    }
    this.wanted.delete(deviceId);
  }
}
