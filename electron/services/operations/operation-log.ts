import type { OperationLogEntry } from '../../../shared/domain';
import type { EventBus } from '../../rpc/event-bus';

type Area = OperationLogEntry['area'];
type Level = OperationLogEntry['level'];

const SECRET_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(access_token|token|password|otp|mfa_token)\b(["'=:\s]+)[^\s"'&,}]+/gi,
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/g,
];

/** Tokens and private keys never reach any log: scrub before storing. */
export function scrubSecrets(message: string): string {
  let out = message;
  out = out.replace(SECRET_PATTERNS[0], '[private key removed]');
  out = out.replace(SECRET_PATTERNS[1], (_m, name: string, sep: string) => `${name}${sep}[removed]`);
  out = out.replace(SECRET_PATTERNS[2], 'Bearer [removed]');
  return out;
}

/** The app's own operation log: every USB/DFU/cloud step with timing, bounded in memory. */
export class OperationLog {
  private readonly entries: OperationLogEntry[] = [];
  private pending: OperationLogEntry[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly bus: EventBus | null,
    private readonly capacity = 5000,
  ) {}

  add(entry: Omit<OperationLogEntry, 'at' | 'message'> & { message: string; at?: string }): OperationLogEntry {
    const full: OperationLogEntry = { ...entry, at: entry.at ?? new Date().toISOString(), message: scrubSecrets(entry.message) };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.queue(full);
    return full;
  }

  write(area: Area, level: Level, message: string, extra: { operationId?: string | null; deviceId?: string | null; durationMs?: number } = {}): void {
    this.add({ area, level, message, operationId: extra.operationId ?? null, deviceId: extra.deviceId ?? null, durationMs: extra.durationMs });
  }

  recent(limit: number): OperationLogEntry[] {
    return this.entries.slice(-limit);
  }

  /** Events are batched so a chatty DFU transfer does not flood the renderer. */
  private queue(entry: OperationLogEntry): void {
    if (!this.bus) return;
    this.pending.push(entry);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const entries = this.pending;
      this.pending = [];
      this.bus?.emit('operations.log', { entries });
    }, 50);
    this.flushTimer.unref?.();
  }
}
