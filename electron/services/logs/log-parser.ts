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

const LEVEL_RANK: Record<LogLevel, number> = { unknown: 0, trace: 1, info: 2, warn: 3, error: 4, panic: 5 };

/** Category filters match the category itself and its children: 'comm' matches 'comm.protocol'. */
function categoryMatcher(categories: readonly string[] | undefined): ((category: string) => boolean) | null {
  if (!categories || categories.length === 0) return null;
  const wanted = categories.map((c) => c.toLowerCase());
  return (category) => {
    const c = category.toLowerCase();
    return wanted.some((w) => c === w || c.startsWith(`${w}.`));
  };
}

/**
 * Level, category and text filter. Lines without a level (application prints) only pass when no
 * minimum level above trace is asked for. Built to stay fast over 100k+ lines.
 */
export function filterLogLines(lines: readonly LogLine[], filter: LogFilter | undefined): LogLine[] {
  if (!filter) return lines.slice();
  const minRank = filter.minLevel ? LEVEL_RANK[filter.minLevel] : 0;
  const inCategory = categoryMatcher(filter.categories);
  const needle = filter.text?.trim().toLowerCase() ?? '';
  return lines.filter((line) => {
    if (line.level === 'unknown' ? minRank > LEVEL_RANK.trace : LEVEL_RANK[line.level] < minRank) return false;
    if (inCategory && !inCategory(line.category)) return false;
    if (needle && !line.message.toLowerCase().includes(needle) && !line.category.toLowerCase().includes(needle)) return false;
    return true;
  });
}

/** One exported line: host receive time first (devices reboot and restart their clock), then the original shape. */
export function formatLogLine(line: LogLine): string {
  if (line.level === 'unknown') return `${line.receivedAt} ${line.message}`;
  const time = line.deviceTimeMs === null ? '' : `${String(line.deviceTimeMs).padStart(10, '0')} `;
  return `${line.receivedAt} ${time}[${line.category}] ${line.level.toUpperCase()}: ${line.message}`;
}
