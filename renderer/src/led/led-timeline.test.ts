import { describe, expect, it } from 'vitest';
import { findLedPattern, sosPattern } from '../../../shared/domain/led-catalog';
import { cycleMs, ledKeyframes, ledSegments } from './led-timeline';

const entry = (id: string) => {
  const e = findLedPattern(id);
  if (!e) throw new Error(id);
  return e;
};

describe('LED timeline', () => {
  it('blinks on for half the period and off for the other half', () => {
    const segs = ledSegments(entry('blinking-blue'));
    expect(segs).toEqual([
      { color: '#0000ff', from: 1, to: 1, ms: 250 },
      { color: '#0000ff', from: 0, to: 0, ms: 250 },
    ]);
  });

  it('breathes with a linear ramp down then up over the period', () => {
    const { keyframes, durationMs } = ledKeyframes(ledSegments(entry('breathing-cyan')));
    expect(durationMs).toBe(4000);
    expect(keyframes.map((k) => [k.offset, k.opacity])).toEqual([
      [0, 1],
      [0.5, 0],
      [0.5, 0],
      [1, 1],
    ]);
  });

  it('inserts the counted burst after a run of cyan blinks', () => {
    const segs = ledSegments(entry('cyan-orange-burst-3'));
    const orangeOn = segs.filter((s) => s.color === '#ff6000' && s.from === 1);
    expect(orangeOn).toHaveLength(3);
    expect(orangeOn.every((s) => s.ms === 250)).toBe(true);
    expect(segs[0]).toEqual({ color: '#00ffff', from: 1, to: 1, ms: 100 });
  });

  it('draws SOS as 3 short, 3 long, 3 short, then the code', () => {
    const plain = ledSegments(sosPattern(null));
    const on = plain.filter((s) => s.from === 1).map((s) => s.ms);
    expect(on).toEqual([150, 150, 150, 300, 300, 300, 150, 150, 150]);
    const code8 = ledSegments(sosPattern(8));
    const codeBlinks = code8.slice(plain.length).filter((s) => s.from === 1);
    expect(codeBlinks).toHaveLength(8);
    expect(cycleMs(code8)).toBe(cycleMs(plain) + 8 * 600 + 800);
  });

  it('keeps keyframe offsets within 0..1 and non-decreasing for every catalogue entry', () => {
    for (const id of ['rainbow', 'off', 'solid-magenta', 'sos', 'white-green-loop', 'fast-blinking-green']) {
      const { keyframes } = ledKeyframes(ledSegments(entry(id)));
      for (let i = 1; i < keyframes.length; i++) expect(keyframes[i].offset).toBeGreaterThanOrEqual(keyframes[i - 1].offset);
      expect(keyframes.at(-1)?.offset).toBe(1);
    }
  });
});
