import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared/contract/logs';
import { filterLogLines, formatLogLine, parseLogLine } from './log-parser';

const DEVICE_ID = '0123456789abcdef01234567';

function line(seq: number, text: string): LogLine {
  return { seq, deviceId: DEVICE_ID, receivedAt: '2026-01-01T00:00:00.000Z', ...parseLogLine(text) };
}

describe('parseLogLine', () => {
  it('reads time, category, level and message of a Device OS line', () => {
    expect(parseLogLine('0000012345 [comm.protocol] INFO: Handshake completed')).toEqual({
      deviceTimeMs: 12345,
      category: 'comm.protocol',
      level: 'info',
      message: 'Handshake completed',
    });
    expect(parseLogLine('0000000042 [system] PANIC: HardFault\r')).toMatchObject({ level: 'panic', deviceTimeMs: 42, message: 'HardFault' });
    expect(parseLogLine('0000000100 [app] WARN: low battery: 3.3V')).toMatchObject({ level: 'warn', message: 'low battery: 3.3V' });
    expect(parseLogLine('0000000100 [hal] TRACE: ')).toMatchObject({ level: 'trace', message: '' });
  });

  it('keeps any other text whole as an unknown-level line', () => {
    expect(parseLogLine('Hello from Serial.println')).toEqual({ deviceTimeMs: null, level: 'unknown', category: '', message: 'Hello from Serial.println' });
    expect(parseLogLine('012345 [comm.proto')).toMatchObject({ level: 'unknown', message: '012345 [comm.proto' });
    expect(parseLogLine('\u0000\u0001\ufffdgarb\u0007age')).toMatchObject({ level: 'unknown', message: 'garbage' });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      const parsed = parseLogLine(text);
      expect(typeof parsed.message).toBe('string');
    }));
  });
});

describe('filterLogLines', () => {
  const lines = [
    line(0, '0000000001 [system] TRACE: boot'),
    line(1, '0000000002 [comm.protocol] INFO: Handshake completed'),
    line(2, '0000000003 [comm] WARN: retrying'),
    line(3, '0000000004 [app] ERROR: sensor failed'),
    line(4, '0000000005 [communication] INFO: not comm'),
    line(5, 'plain application text'),
  ];

  it('filters by minimum level; unparsed lines rank with info, as in the log view', () => {
    expect(filterLogLines(lines, { minLevel: 'warn' }).map((l) => l.seq)).toEqual([2, 3]);
    expect(filterLogLines(lines, { minLevel: 'info' }).map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(filterLogLines(lines, { minLevel: 'trace' }).map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(filterLogLines(lines, undefined)).toHaveLength(6);
  });

  it('filters by exact category', () => {
    expect(filterLogLines(lines, { categories: ['comm'] }).map((l) => l.seq)).toEqual([2]);
    expect(filterLogLines(lines, { categories: ['comm', 'comm.protocol'] }).map((l) => l.seq)).toEqual([1, 2]);
  });

  it('filters by text in message or category, ignoring case', () => {
    expect(filterLogLines(lines, { text: 'HANDSHAKE' }).map((l) => l.seq)).toEqual([1]);
    expect(filterLogLines(lines, { text: 'app', minLevel: 'error' }).map((l) => l.seq)).toEqual([3]);
    expect(filterLogLines(lines, { text: 'application', minLevel: 'trace' }).map((l) => l.seq)).toEqual([5]);
  });

  it('formats lines back into their original shape behind the receive time', () => {
    expect(formatLogLine(lines[1])).toBe('2026-01-01T00:00:00.000Z 0000000002 [comm.protocol] INFO: Handshake completed');
    expect(formatLogLine(lines[5])).toBe('2026-01-01T00:00:00.000Z plain application text');
  });
});
