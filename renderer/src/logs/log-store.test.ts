import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared/contract/logs';
import { LogRing, LogStore, filterLines, formatLogTime } from './log-store';

const ID = '0123456789abcdef01234567';
let seq = 0;
function line(level: LogLine['level'], category: string, message: string): LogLine {
  return { seq: seq++, deviceId: ID, deviceTimeMs: 1234, receivedAt: '2026-01-01T10:00:00.000Z', level, category, message };
}

const sample = [
  line('info', 'app', 'hello world'),
  line('trace', 'comm.protocol', 'sending hello'),
  line('warn', 'net.ifapi', 'link down'),
  line('error', 'comm.protocol', 'Handshake failed: DECRYPTION_ERROR'),
  line('unknown', '', 'garbage line'),
  line('panic', 'system', 'SOS 1'),
];

describe('filterLines', () => {
  it('keeps everything without a filter', () => {
    expect(filterLines(sample, {})).toHaveLength(sample.length);
  });

  it('filters by minimum level (unparsed lines rank as info)', () => {
    expect(filterLines(sample, { minLevel: 'warn' }).map((l) => l.level)).toEqual(['warn', 'error', 'panic']);
    expect(filterLines(sample, { minLevel: 'info' }).map((l) => l.level)).toEqual(['info', 'warn', 'error', 'unknown', 'panic']);
  });

  it('filters by category and by case-insensitive text', () => {
    expect(filterLines(sample, { categories: ['comm.protocol'] })).toHaveLength(2);
    expect(filterLines(sample, { text: 'HANDSHAKE' }).map((l) => l.message)).toEqual(['Handshake failed: DECRYPTION_ERROR']);
    expect(filterLines(sample, { text: 'ifapi' })).toHaveLength(1);
    expect(filterLines(sample, { categories: ['comm.protocol'], minLevel: 'error' })).toHaveLength(1);
  });

  it('treats the search text literally, not as a pattern', () => {
    const lines = [line('info', 'app', 'value (x+1)'), line('info', 'app', 'value x1')];
    expect(filterLines(lines, { text: '(x+1' }).map((l) => l.message)).toEqual(['value (x+1)']);
    expect(filterLines(lines, { text: '.' })).toHaveLength(0);
  });
});

describe('LogRing', () => {
  it('keeps only the newest lines up to its capacity', () => {
    const ring = new LogRing(3);
    for (let i = 0; i < 5; i++) ring.push(line('info', 'app', `m${i}`));
    expect(ring.size).toBe(3);
    expect(ring.first).toBe(2);
    expect(ring.at(ring.first).message).toBe('m2');
    expect(ring.at(ring.end - 1).message).toBe('m4');
    expect(() => new LogRing(0)).toThrow(RangeError);
  });
});

describe('LogStore', () => {
  it('maintains the filtered view while appending and evicting', () => {
    const store = new LogStore(4);
    store.setFilter({ minLevel: 'warn' });
    store.append([line('warn', 'a', 'w1'), line('info', 'a', 'i1'), line('error', 'b', 'e1')]);
    expect(store.visibleLines().map((l) => l.message)).toEqual(['w1', 'e1']);
    store.append([line('info', 'a', 'i2'), line('info', 'a', 'i3')]);
    // capacity 4: w1 evicted
    expect(store.size).toBe(4);
    expect(store.visibleLines().map((l) => l.message)).toEqual(['e1']);
    store.setFilter({});
    expect(store.visibleLines().map((l) => l.message)).toEqual(['i1', 'e1', 'i2', 'i3']);
    expect(store.categories()).toEqual(['a', 'b']);
  });

  it('holds lines while paused and shows them on resume', () => {
    const store = new LogStore(100);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.count));
    store.append([line('info', 'a', '1')]);
    store.pause();
    store.append([line('info', 'a', '2'), line('info', 'a', '3')]);
    expect(store.count).toBe(1);
    expect(store.heldCount).toBe(2);
    store.resume();
    expect(store.count).toBe(3);
    expect(store.heldCount).toBe(0);
    expect(seen.at(-1)).toBe(3);
  });

  it('stays bounded with 250k lines in a 200k ring', () => {
    const store = new LogStore();
    const batch: LogLine[] = [];
    for (let i = 0; i < 250_000; i++) batch.push(line(i % 10 === 0 ? 'error' : 'info', 'app', `line ${i}`));
    store.setFilter({ minLevel: 'error' });
    for (let i = 0; i < batch.length; i += 5000) store.append(batch.slice(i, i + 5000));
    expect(store.size).toBe(200_000);
    expect(store.count).toBe(20_000);
    expect(store.lineAt(0).message).toBe('line 50000');
  });
});

describe('formatLogTime', () => {
  it('shows device uptime in seconds, else the receive time', () => {
    expect(formatLogTime(line('info', 'a', 'x'))).toBe('000001.234');
    expect(formatLogTime({ ...line('info', 'a', 'x'), deviceTimeMs: null })).toBe('10:00:00.000');
  });
});
