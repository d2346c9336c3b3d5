import { RescueError, toErrorData } from '../../../shared/errors';
import type { OperationFinished, OperationKind, OperationLogEntry, OperationRef, Progress } from '../../../shared/domain';
import type { EventBus } from '../../rpc/event-bus';
import type { OperationLog } from './operation-log';

export interface ProgressUpdate {
  phase: string;
  message: string;
  bytesDone?: number;
  bytesTotal?: number;
  step?: string;
}

/** Handed to every long operation: progress, cancellation and the operation log, nothing else. */
export interface OperationContext {
  readonly operationId: string;
  readonly deviceId: string | null;
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  log(area: OperationLogEntry['area'], level: OperationLogEntry['level'], message: string, durationMs?: number): void;
  /** Throws CANCELLED when the user asked to stop; call between safe points. */
  throwIfCancelled(): void;
}

interface Running {
  ref: OperationRef;
  controller: AbortController;
  startedAt: string;
  lastProgress: Progress | null;
  done: Promise<OperationFinished>;
}

let counter = 0;
const newOperationId = (): string => `op-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/**
 * Runs long operations (enter DFU, repair, flash) in the background: returns an id at once, reports
 * through `operations.progress`, ends with `operations.finished`. One operation per device at a time.
 */
export class OperationRunner {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Map<string, OperationFinished>();
  private readonly busyDevices = new Map<string, string>();

  constructor(
    private readonly bus: EventBus | null,
    private readonly opLog: OperationLog,
  ) {}

  start<T>(kind: OperationKind, deviceId: string | null, run: (ctx: OperationContext) => Promise<T>): OperationRef {
    if (deviceId && this.busyDevices.has(deviceId)) {
      throw new RescueError(
        'DEVICE_BUSY',
        `Device ${deviceId} is busy with another operation.`,
        'Wait for the running operation to finish, or cancel it first.',
        { operationId: this.busyDevices.get(deviceId) },
      );
    }
    const operationId = newOperationId();
    const ref: OperationRef = { operationId, kind, deviceId };
    const controller = new AbortController();
    const startedAt = new Date().toISOString();
    const entry: Running = { ref, controller, startedAt, lastProgress: null, done: Promise.resolve(null as never) };
    const ctx: OperationContext = {
      operationId,
      deviceId,
      signal: controller.signal,
      progress: (update) => {
        const progress: Progress = { operationId, deviceId, ...update };
        entry.lastProgress = progress;
        this.bus?.emit('operations.progress', progress);
      },
      log: (area, level, message, durationMs) => this.opLog.write(area, level, message, { operationId, deviceId, durationMs }),
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new RescueError('CANCELLED', 'The operation was cancelled.', 'Start it again when you are ready.');
      },
    };
    if (deviceId) this.busyDevices.set(deviceId, operationId);
    this.running.set(operationId, entry);
    this.opLog.write('app', 'info', `${kind} started`, { operationId, deviceId });
    entry.done = (async (): Promise<OperationFinished> => {
      let finished: OperationFinished;
      try {
        const result = await run(ctx);
        finished = { operationId, kind, deviceId, status: 'succeeded', result, startedAt, finishedAt: new Date().toISOString() };
      } catch (error) {
        const data = toErrorData(error);
        const status = data.code === 'CANCELLED' ? 'cancelled' : 'failed';
        finished = { operationId, kind, deviceId, status, error: data, startedAt, finishedAt: new Date().toISOString() };
        this.opLog.write('app', 'error', `${kind} ${status}: ${data.code} ${data.message}`, { operationId, deviceId });
      } finally {
        if (deviceId && this.busyDevices.get(deviceId) === operationId) this.busyDevices.delete(deviceId);
        this.running.delete(operationId);
      }
      this.finished.set(operationId, finished);
      this.trimFinished();
      const ms = Date.parse(finished.finishedAt) - Date.parse(startedAt);
      this.opLog.write('app', 'info', `${kind} ${finished.status}`, { operationId, deviceId, durationMs: ms });
      this.bus?.emit('operations.finished', finished);
      return finished;
    })();
    return ref;
  }

  /** Start and wait: what the CLI and tests use. Throws the operation's error as a RescueError. */
  async run<T>(kind: OperationKind, deviceId: string | null, run: (ctx: OperationContext) => Promise<T>): Promise<T> {
    const ref = this.start(kind, deviceId, run);
    const finished = await this.wait(ref.operationId);
    if (finished.status !== 'succeeded') {
      const e = finished.error!;
      throw new RescueError(e.code, e.message, e.fix, e.details);
    }
    return finished.result as T;
  }

  async wait(operationId: string): Promise<OperationFinished> {
    const done = this.finished.get(operationId);
    if (done) return done;
    const running = this.running.get(operationId);
    if (!running) throw new RescueError('NOT_FOUND', `No operation ${operationId}.`, 'Check the operation id.');
    return running.done;
  }

  cancel(operationId: string): boolean {
    const running = this.running.get(operationId);
    if (!running) return false;
    running.controller.abort();
    return true;
  }

  isBusy(deviceId: string): boolean {
    return this.busyDevices.has(deviceId);
  }

  snapshot(operationId: string): { running: boolean; finished: OperationFinished | null; lastProgress: Progress | null } {
    const running = this.running.get(operationId);
    return { running: Boolean(running), finished: this.finished.get(operationId) ?? null, lastProgress: running?.lastProgress ?? null };
  }

  private trimFinished(): void {
    while (this.finished.size > 500) {
      const oldest = this.finished.keys().next().value as string;
      this.finished.delete(oldest);
    }
  }
}
