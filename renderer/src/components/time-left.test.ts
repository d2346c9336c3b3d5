import { describe, expect, it } from 'vitest';
import { percent } from './OperationProgress';
import { timeLeft } from './time-left';

const at = (t: number, done: number, phase = 'download') => ({ at: t, phase, bytesDone: done, bytesTotal: 128 * 1024 });

describe('time left from measured progress', () => {
  it('extrapolates the measured byte rate of the phase', () => {
    // 32 KB in 2 s → 96 KB more takes 6 s.
    expect(timeLeft(at(0, 0), at(2000, 32 * 1024))).toBe(6);
    expect(timeLeft(at(1000, 16 * 1024), at(3000, 48 * 1024))).toBe(5);
  });

  it('says nothing before there is a measurement, or across phases', () => {
    expect(timeLeft(at(0, 0), at(500, 32 * 1024))).toBeNull();
    expect(timeLeft(at(0, 0), at(5000, 0))).toBeNull();
    expect(timeLeft(at(0, 0, 'erase'), at(5000, 64 * 1024))).toBeNull();
  });

  it('never says 100% before every byte is done', () => {
    expect(percent(32 * 1024, 128 * 1024)).toBe('25%');
    expect(percent(128 * 1024 - 1, 128 * 1024)).toBe('99%');
    expect(percent(128 * 1024, 128 * 1024)).toBe('100%');
    expect(percent(200, 100)).toBe('100%');
  });
});
