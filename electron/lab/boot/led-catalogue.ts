import { findLedPattern, sosPattern } from '../../../shared/domain/led-catalog';
import type { LedState } from '../../../shared/domain/led';

/** The patterns the boot model can show; their colours and timings come from the shared catalogue. */
export type LedPatternId =
  | 'breathing-cyan'
  | 'blinking-cyan'
  | 'cyan-red-burst'
  | 'cyan-orange-burst-1'
  | 'cyan-orange-burst-3'
  | 'cyan-magenta-burst'
  | 'blinking-green'
  | 'breathing-green'
  | 'blinking-blue'
  | 'breathing-magenta'
  | 'blinking-magenta'
  | 'blinking-yellow'
  | 'breathing-white'
  | 'sos'
  | 'off';

export function ledState(patternId: LedPatternId, sosCode: number | null = null): LedState {
  const entry = patternId === 'sos' ? sosPattern(sosCode) : findLedPattern(patternId);
  if (!entry) throw new Error(`LED pattern ${patternId} is missing from the shared catalogue`);
  return {
    patternId,
    color: entry.color,
    pattern: entry.pattern,
    periodMs: entry.periodMs,
    burst: entry.burst ? { ...entry.burst } : null,
    sosCode: patternId === 'sos' ? sosCode : null,
    description: entry.meaning,
  };
}
