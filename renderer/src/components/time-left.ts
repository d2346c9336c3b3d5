/** One measurement of a byte-counted phase (flash, DFU write): when, and how far. */
export interface RateSample {
  at: number;
  phase: string;
  bytesDone: number;
  bytesTotal: number;
}

/** Below this much measured time or progress a rate is a guess, so no time left is shown. */
const MIN_MEASURED_MS = 1000;
const MIN_MEASURED_BYTES = 1;

/**
 * Seconds left at the rate measured since `first` (same phase), rounded up; null until there is
 * enough measured progress to say anything honest.
 */
export function timeLeft(first: RateSample, now: RateSample): number | null {
  if (first.phase !== now.phase || now.bytesTotal <= 0) return null;
  const elapsed = now.at - first.at;
  const moved = now.bytesDone - first.bytesDone;
  if (elapsed < MIN_MEASURED_MS || moved < MIN_MEASURED_BYTES) return null;
  const remaining = Math.max(0, now.bytesTotal - now.bytesDone);
  return Math.ceil((remaining / moved) * (elapsed / 1000));
}
