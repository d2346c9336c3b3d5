import type { LogFilter, LogLevel, LogLine } from '../../../shared/contract/logs';

/**
 * Device OS serial log lines (default stream format):
 *   `0000012345 [comm.protocol] INFO: Handshake completed`
 * = milliseconds since boot (zero-padded), category, level, message. Pure: no Node, no DOM, so the
 * renderer can filter with the same code.
 */
const DEVICE_OS_LINE = /^\s*(\d{1,12})\s+\[([^\]\s]{1,64})\]\s+(TRACE|INFO|WARN|WARNING|ERROR|PANIC)\s*:\s?(.*)$/i;

export interface ParsedLogLine {
  deviceTimeMs: number | null;
  level: LogLevel;
  category: string;
  message: string;
}

const LEVEL_NAMES: Record<string, LogLevel> = { trace: 'trace', info: 'info', warn: 'warn', warning: 'warn', error: 'error', panic: 'panic' };

// Line noise from a port opened mid-transfer or a baud mismatch: keep the text readable, drop the rest.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g;

/** Never throws: a line that is not Device OS format is kept whole with level 'unknown'. */
export function parseLogLine(raw: string): ParsedLogLine {
  const text = raw.replace(CONTROL_CHARS, '').replace(/\s+$/, '');
  const match = DEVICE_OS_LINE.exec(text);
  if (!match) return { deviceTimeMs: null, level: 'unknown', category: '', message: text };
  const time = Number(match[1]);
  return {
    deviceTimeMs: Number.isSafeInteger(time) ? time : null,
    level: LEVEL_NAMES[match[3].toLowerCase()],
    category: match[2],
    message: match[4],
  };
}

/** Same ranking as the renderer's log view, so an export holds what the user saw: unparsed lines rank with info. */
const LEVEL_RANK: Record<LogLevel, number> = { trace: 0, unknown: 1, info: 1, warn: 2, error: 3, panic: 4 };

/** Level, category (exact) and text filter, as the log view applies it. Built to stay fast over 100k+ lines. */
export function filterLogLines(lines: readonly LogLine[], filter: LogFilter | undefined): LogLine[] {
  if (!filter) return lines.slice();
  const minRank = filter.minLevel ? LEVEL_RANK[filter.minLevel] : 0;
  const categories = filter.categories?.length ? new Set(filter.categories) : null;
  const needle = filter.text?.trim().toLowerCase() ?? '';
  return lines.filter(
    (line) =>
      LEVEL_RANK[line.level] >= minRank &&
      (categories === null || categories.has(line.category)) &&
      (needle === '' || line.message.toLowerCase().includes(needle) || line.category.toLowerCase().includes(needle)),
  );
}

/** One exported line: host receive time first (devices reboot and restart their clock), then the original shape. */
export function formatLogLine(line: LogLine): string {
  if (line.level === 'unknown') return `${line.receivedAt} ${line.message}`;
  const time = line.deviceTimeMs === null ? '' : `${String(line.deviceTimeMs).padStart(10, '0')} `;
  return `${line.receivedAt} ${time}[${line.category}] ${line.level.toUpperCase()}: ${line.message}`;
}
