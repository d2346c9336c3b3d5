import { describe, expect, it } from 'vitest';
import { firstDifference } from './verify-bytes';

describe('firstDifference (the one verify comparison)', () => {
  it('identical bytes: -1', () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(-1);
    expect(firstDifference(new Uint8Array(0), new Uint8Array(0))).toBe(-1);
  });

  it('names the first differing byte, at the start, middle and end', () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(0, 2, 3))).toBe(0);
    expect(firstDifference(Uint8Array.of(1, 2, 3, 4), Uint8Array.of(1, 2, 9, 0))).toBe(2);
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 2))).toBe(2);
  });

  it('a short or long read-back differs where the shorter one ends', () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(2);
    expect(firstDifference(Uint8Array.of(1, 2, 3), new Uint8Array(0))).toBe(0);
    expect(firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(2);
  });

  it('compares views by their own window, not the underlying buffer', () => {
    const buffer = Uint8Array.of(9, 1, 2, 3, 9);
    expect(firstDifference(buffer.subarray(1, 4), Uint8Array.of(1, 2, 3))).toBe(-1);
  });
});
