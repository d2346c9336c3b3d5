import { describe, expect, it } from 'vitest';
import { OutputQueue } from './output-queue';

const line = (n: number) => `${String(n).padStart(10, '0')} [app] INFO: line ${n}\n`;

function drain(queue: OutputQueue): string {
  let text = '';
  for (let part = queue.take(7); part; part = queue.take(7)) text += part.toString();
  return text;
}

describe('OutputQueue (device → host bytes nobody reads yet)', () => {
  it('keeps everything under the bound, in order', () => {
    const queue = new OutputQueue(1000);
    queue.push(Buffer.from(line(1)));
    queue.push(Buffer.from(line(2)));
    expect(queue.stats()).toEqual({ bufferedBytes: line(1).length * 2, capacityBytes: 1000, droppedBytes: 0, droppedLines: 0 });
    expect(drain(queue)).toBe(line(1) + line(2));
    expect(queue.take(10)).toBeNull();
  });

  it('drops the oldest whole lines beyond the bound and counts bytes and lines', () => {
    const size = line(90).length;
    const queue = new OutputQueue(size * 10 + 5);
    let written = 0;
    for (let n = 0; n < 100; n++) {
      queue.push(Buffer.from(line(n)));
      written += line(n).length;
    }
    const { bufferedBytes, droppedBytes, droppedLines } = queue.stats();
    expect(bufferedBytes).toBeLessThanOrEqual(size * 10 + 5);
    expect(droppedBytes + bufferedBytes).toBe(written);
    const kept = drain(queue);
    // Whole lines only: the host never sees a torn one; the newest survive.
    expect(kept).toBe(Array.from({ length: 10 }, (_, i) => line(90 + i)).join(''));
    expect(droppedLines).toBe(90);
  });

  it('a single write larger than the bound keeps its newest bytes', () => {
    const queue = new OutputQueue(16);
    queue.push(Buffer.from('abcdefghijklmnopqrstuvwxyz'));
    expect(queue.stats()).toMatchObject({ bufferedBytes: 16, droppedBytes: 10, droppedLines: 0 });
    expect(drain(queue)).toBe('klmnopqrstuvwxyz');
  });

  it('requeue puts undelivered bytes back in front; discard drops all, counted', () => {
    const queue = new OutputQueue(100);
    queue.push(Buffer.from('one\ntwo\n'));
    const head = queue.take(4)!;
    queue.push(Buffer.from('three\n'));
    queue.requeue(head);
    expect(drain(queue)).toBe('one\ntwo\nthree\n');
    queue.push(Buffer.from('four\nfive\n'));
    queue.discard();
    expect(queue.stats()).toMatchObject({ bufferedBytes: 0, droppedBytes: 10, droppedLines: 2 });
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new OutputQueue(0)).toThrow(/positive integer/);
  });
});
