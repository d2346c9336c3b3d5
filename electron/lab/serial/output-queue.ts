const NEWLINE = 0x0a;

export interface OutputQueueStats {
  /** Bytes waiting for the host to read them. */
  bufferedBytes: number;
  /** The bound: more than this is never kept. */
  capacityBytes: number;
  /** Bytes the host never received because the buffer was full (or the device reset), oldest first. */
  droppedBytes: number;
  /** Complete lines among the dropped bytes. */
  droppedLines: number;
}

function countNewlines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/**
 * Device → host bytes of a virtual serial port that nobody reads yet: kept up to a bound, the oldest
 * dropped first (whole lines where possible, so the host never sees half a line), every drop counted.
 * Pushing never blocks and never waits for a reader.
 */
export class OutputQueue {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;
  private droppedLineCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`queue capacity must be a positive integer, got ${capacity}`);
  }

  push(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.size += data.length;
    if (this.size > this.capacity) this.dropOldest(this.size - this.capacity);
  }

  /** Puts bytes that could not be delivered back in front (they are older than anything queued since). */
  requeue(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.unshift(data);
    this.size += data.length;
    if (this.size > this.capacity) this.dropOldest(this.size - this.capacity);
  }

  /** Up to `max` bytes from the front, or null when empty. */
  take(max: number): Buffer | null {
    if (this.size === 0 || max <= 0) return null;
    const parts: Buffer[] = [];
    let want = max;
    while (want > 0 && this.chunks.length > 0) {
      const head = this.chunks[0];
      if (head.length <= want) {
        parts.push(head);
        this.chunks.shift();
        want -= head.length;
      } else {
        parts.push(head.subarray(0, want));
        this.chunks[0] = head.subarray(want);
        want = 0;
      }
    }
    const out = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    this.size -= out.length;
    return out;
  }

  /** Drops everything still buffered (the device reset: its USB buffer is gone), counted as dropped. */
  discard(): void {
    if (this.size > 0) this.dropOldest(this.size);
  }

  stats(): OutputQueueStats {
    return { bufferedBytes: this.size, capacityBytes: this.capacity, droppedBytes: this.dropped, droppedLines: this.droppedLineCount };
  }

  /** Drops `count` bytes from the front, then the rest of a torn line when its end is buffered. */
  private dropOldest(count: number): void {
    let left = count;
    let last = NEWLINE;
    while (left > 0 && this.chunks.length > 0) {
      const head = this.chunks[0];
      const cut = Math.min(left, head.length);
      last = head[cut - 1];
      this.dropFront(cut);
      left -= cut;
    }
    if (last === NEWLINE) return;
    let through = 0;
    for (const chunk of this.chunks) {
      const end = chunk.indexOf(NEWLINE);
      if (end !== -1) {
        this.dropBytes(through + end + 1);
        return;
      }
      through += chunk.length;
    }
  }

  private dropBytes(count: number): void {
    for (let left = count; left > 0; ) {
      const cut = Math.min(left, this.chunks[0].length);
      this.dropFront(cut);
      left -= cut;
    }
  }

  private dropFront(cut: number): void {
    const head = this.chunks[0];
    this.account(head.subarray(0, cut));
    if (cut === head.length) this.chunks.shift();
    else this.chunks[0] = head.subarray(cut);
  }

  private account(part: Buffer): void {
    this.size -= part.length;
    this.dropped += part.length;
    this.droppedLineCount += countNewlines(part);
  }
}
