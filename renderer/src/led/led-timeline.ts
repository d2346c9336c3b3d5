import type { LedCatalogEntry } from '../../../shared/domain/led-catalog';

/**
 * Turns a catalogue entry into one animation cycle with the Device OS timings
 * (../shared/reference/led-status.md §1 and §5), so a swatch blinks like the real LED.
 */

export interface LedSegment {
  color: string;
  /** Brightness at the start and end of the segment (0 = dark, 1 = full); equal values hold. */
  from: number;
  to: number;
  ms: number;
}

export interface LedKeyframe {
  offset: number;
  backgroundColor: string;
  opacity: number;
}

const CLOUD_BURST_ON_MS = 250;
const CLOUD_BURST_OFF_MS = 250;
/** Cyan blinking shown between two error bursts; long enough to count the burst that follows. */
const CYAN_RUN_MS = 1600;
const RAINBOW = ['#ff0000', '#ff6000', '#ffff00', '#00ff00', '#00ffff', '#0000ff', '#ff00ff'];
const RAINBOW_STEP_MS = 100;

const hold = (color: string, level: number, ms: number): LedSegment => ({ color, from: level, to: level, ms });

function blink(color: string, periodMs: number, cycles = 1): LedSegment[] {
  const out: LedSegment[] = [];
  for (let i = 0; i < cycles; i++) out.push(hold(color, 1, periodMs / 2), hold(color, 0, periodMs / 2));
  return out;
}

function flashes(color: string, count: number, onMs: number, offMs: number): LedSegment[] {
  const out: LedSegment[] = [];
  for (let i = 0; i < count; i++) out.push(hold(color, 1, onMs), hold(color, 0, offMs));
  return out;
}

/** SOS: 3 short, 3 long, 3 short, then the code as slow blinks. */
function sos(color: string, code: number | null): LedSegment[] {
  const short = flashes(color, 3, 150, 100);
  const long = flashes(color, 3, 300, 100);
  const out = [...short, hold(color, 0, 100), ...long, hold(color, 0, 100), ...short, hold(color, 0, 900)];
  if (code !== null) out.push(...flashes(color, code, 300, 300), hold(color, 0, 800));
  return out;
}

export function ledSegments(entry: Pick<LedCatalogEntry, 'color' | 'pattern' | 'periodMs' | 'burst' | 'sosCode'>): LedSegment[] {
  switch (entry.pattern) {
    case 'solid':
      return [hold(entry.color, 1, 1000)];
    case 'off':
      return [hold(entry.color, 0, 1000)];
    case 'breathe':
      return [
        { color: entry.color, from: 1, to: 0, ms: entry.periodMs / 2 },
        { color: entry.color, from: 0, to: 1, ms: entry.periodMs / 2 },
      ];
    case 'rainbow':
      return RAINBOW.map((c) => hold(c, 1, RAINBOW_STEP_MS));
    case 'sos':
      return sos(entry.color, entry.sosCode);
    case 'blink': {
      if (!entry.burst) return blink(entry.color, entry.periodMs);
      const cycles = Math.max(1, Math.round(CYAN_RUN_MS / entry.periodMs));
      return [...blink(entry.color, entry.periodMs, cycles), ...flashes(entry.burst.color, entry.burst.count, CLOUD_BURST_ON_MS, CLOUD_BURST_OFF_MS)];
    }
  }
}

export function cycleMs(segments: LedSegment[]): number {
  return segments.reduce((sum, s) => sum + s.ms, 0);
}

/** Web Animations keyframes: two per segment (start, end), so holds stay flat and ramps are linear. */
export function ledKeyframes(segments: LedSegment[]): { keyframes: LedKeyframe[]; durationMs: number } {
  const durationMs = cycleMs(segments);
  const keyframes: LedKeyframe[] = [];
  let at = 0;
  for (const s of segments) {
    keyframes.push({ offset: at / durationMs, backgroundColor: s.color, opacity: s.from });
    at += s.ms;
    keyframes.push({ offset: at / durationMs, backgroundColor: s.color, opacity: s.to });
  }
  return { keyframes, durationMs };
}
