import type { LogFilter, LogLevel, LogLine } from '../../../shared/contract/logs';

/**
 * The renderer side of device logs: a bounded ring of parsed lines, an incrementally maintained
 * filtered view over it, and pause/resume. Pure (no DOM, no React) so it is unit-tested and benchmarked.
 */

export const DEFAULT_LOG_CAPACITY = 200_000;

/** Unparsed lines ('unknown') rank with info so they are not hidden by default but drop at warn. */
export const LEVEL_RANK: Record<LogLevel, number> = { trace: 0, unknown: 1, info: 1, warn: 2, error: 3, panic: 4 };

export type LineMatcher = (line: LogLine) => boolean;

export function compileFilter(filter: LogFilter): LineMatcher {
  const min = filter.minLevel ? LEVEL_RANK[filter.minLevel] : 0;
  const categories = filter.categories && filter.categories.length > 0 ? new Set(filter.categories) : null;
  const text = filter.text?.trim() ?? '';
  // A case-insensitive regex of the escaped text avoids lower-casing every line on every keystroke.
  const needle = text === '' ? null : new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  return (line) =>
    LEVEL_RANK[line.level] >= min &&
    (categories === null || categories.has(line.category)) &&
    (needle === null || needle.test(line.message) || needle.test(line.category));
}

export function filterLines(lines: readonly LogLine[], filter: LogFilter): LogLine[] {
  const matches = compileFilter(filter);
  return lines.filter(matches);
}

/** Fixed-capacity ring addressed by absolute position (0 = first line ever pushed). */
export class LogRing {
  private readonly buf: LogLine[] = [];
  private total = 0;

  constructor(readonly capacity: number = DEFAULT_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  push(line: LogLine): number {
    const at = this.total++;
    this.buf[at % this.capacity] = line;
    return at;
  }

  /** Absolute position of the oldest line still held. */
  get first(): number {
    return Math.max(0, this.total - this.capacity);
  }

  get end(): number {
    return this.total;
  }

  get size(): number {
    return this.total - this.first;
  }

  at(position: number): LogLine {
    return this.buf[position % this.capacity];
  }

  clear(): void {
    this.buf.length = 0;
    this.total = 0;
  }
}

/** Drop evicted positions from the front only once in a while, so appends stay O(batch). */
const COMPACT_AFTER = 50_000;
/** Category names come from the device; a cap keeps a garbled stream from growing the filter menu. */
const MAX_CATEGORIES = 500;

export class LogStore {
  private readonly ring: LogRing;
  private matcher: LineMatcher = () => true;
  private currentFilter: LogFilter = {};
  private matched: number[] = [];
  private head = 0;
  private held: LogLine[] = [];
  private listeners = new Set<() => void>();
  private readonly seenCategories = new Set<string>();
  paused = false;
  /** Bumps on every visible change; React reads it through useSyncExternalStore. */
  version = 0;

  constructor(capacity: number = DEFAULT_LOG_CAPACITY) {
    this.ring = new LogRing(capacity);
  }

  get filter(): LogFilter {
    return this.currentFilter;
  }

  /** Lines that pass the filter. */
  get count(): number {
    return this.matched.length - this.head;
  }

  /** Lines held in memory (at most the capacity). */
  get size(): number {
    return this.ring.size;
  }

  /** Lines received while paused, not yet shown. */
  get heldCount(): number {
    return this.held.length;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  categories(): string[] {
    return [...this.seenCategories].sort();
  }

  lineAt(index: number): LogLine {
    return this.ring.at(this.matched[this.head + index]);
  }

  visibleLines(): LogLine[] {
    const out: LogLine[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.lineAt(i));
    return out;
  }

  append(lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    if (this.paused) {
      this.held.push(...lines);
      // Memory stays bounded even during a long pause: the ring would drop these anyway.
      if (this.held.length > this.ring.capacity) this.held.splice(0, this.held.length - this.ring.capacity);
      this.version++;
      this.emit();
      return;
    }
    this.ingest(lines);
    this.emit();
  }

  setFilter(filter: LogFilter): void {
    this.currentFilter = filter;
    this.matcher = compileFilter(filter);
    this.matched = [];
    this.head = 0;
    for (let p = this.ring.first; p < this.ring.end; p++) if (this.matcher(this.ring.at(p))) this.matched.push(p);
    this.version++;
    this.emit();
  }

  pause(): void {
    this.paused = true;
    this.version++;
    this.emit();
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    this.ingest(held);
    this.version++;
    this.emit();
  }

  clear(): void {
    this.ring.clear();
    this.matched = [];
    this.head = 0;
    this.held = [];
    this.seenCategories.clear();
    this.version++;
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ingest(lines: readonly LogLine[]): void {
    for (const line of lines) {
      const position = this.ring.push(line);
      if (this.seenCategories.size < MAX_CATEGORIES) this.seenCategories.add(line.category);
      if (this.matcher(line)) this.matched.push(position);
    }
    const first = this.ring.first;
    while (this.head < this.matched.length && this.matched[this.head] < first) this.head++;
    if (this.head > COMPACT_AFTER) {
      this.matched = this.matched.slice(this.head);
      this.head = 0;
    }
    this.version++;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Time column: device uptime when the line has one, else the local receive time. */
export function formatLogTime(line: LogLine): string {
  if (line.deviceTimeMs !== null) return `${(line.deviceTimeMs / 1000).toFixed(3).padStart(10, '0')}`;
  const d = new Date(line.receivedAt);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(11, 23);
}
