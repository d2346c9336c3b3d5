import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter';
import { RingBuffer } from './ring-buffer';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('LineSplitter', () => {
  it('joins partial lines across chunks and accepts LF, CRLF and CR', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(bytes('00001 [app] INFO: he'))).toEqual([]);
    expect(splitter.push(bytes('llo\r\nsecond\rthird\n\nfou'))).toEqual(['00001 [app] INFO: hello', 'second', 'third']);
    expect(splitter.flush()).toEqual(['fou']);
    expect(splitter.flush()).toEqual([]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const splitter = new LineSplitter();
    const all = bytes('temp 21 °C\n');
    const cut = all.indexOf(0xc2) + 1;
    expect(splitter.push(all.slice(0, cut))).toEqual([]);
    expect(splitter.push(all.slice(cut))).toEqual(['temp 21 °C']);
  });

  it('cuts endless lines so memory stays bounded', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push(bytes('x'.repeat(25)))).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    expect(splitter.flush()).toEqual(['xxxxx']);
  });
});

describe('RingBuffer', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 0; i < 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([4, 5, 6]);
    expect(ring.size).toBe(3);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
