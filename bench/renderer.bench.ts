import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LogLine } from '../shared/contract/logs';
import { filterLines, LogStore } from '../renderer/src/logs/log-store';
import { timeMs } from './measure';

const ASSETS = join('dist', 'renderer', 'assets');
const LEVELS: LogLine['level'][] = ['trace', 'info', 'info', 'info', 'warn', 'error'];
const CATEGORIES = ['app', 'comm.protocol', 'net.ifapi', 'system', 'ot.api'];

function syntheticLog(count: number): LogLine[] {
  const lines: LogLine[] = [];
  for (let i = 0; i < count; i++) {
    lines.push({
      seq: i,
      deviceId: '0123456789abcdef01234567',
      deviceTimeMs: i * 7,
      receivedAt: '2026-01-01T00:00:00.000Z',
      level: LEVELS[i % LEVELS.length],
      category: CATEGORIES[i % CATEGORIES.length],
      message: i % 97 === 0 ? `Handshake failed: code ${i}` : `event ${i} payload ${(i * 2654435761) % 100000}`,
    });
  }
  return lines;
}



/** Renderer figures: gzipped JS shipped to the window, and log filtering over 100k lines. */
export async function run(print: (line: string) => void): Promise<void> {
  if (existsSync(ASSETS)) {
    let total = 0;
    for (const file of readdirSync(ASSETS).filter((f) => f.endsWith('.js'))) {
      const gz = gzipSync(readFileSync(join(ASSETS, file)), { level: 9 }).length;
      total += gz;
      print(`renderer JS ${file}: ${(gz / 1024).toFixed(1)} KiB gzipped`);
    }
    print(`renderer JS total: ${(total / 1024).toFixed(1)} KiB gzipped`);
  } else {
    print('renderer JS size: dist/renderer not built (run npm run build:renderer first)');
  }

  const lines = syntheticLog(100_000);
  const filters = {
    'level >= warn': { minLevel: 'warn' as const },
    'category = comm.protocol': { categories: ['comm.protocol'] },
    'text "handshake"': { text: 'handshake' },
    'all three': { minLevel: 'info' as const, categories: ['app', 'comm.protocol'], text: 'payload 1' },
  };
  for (const [name, filter] of Object.entries(filters)) {
    let kept = 0;
    const ms = timeMs(() => {
      kept = filterLines(lines, filter).length;
    });
    print(`filterLines 100k lines, ${name}: ${ms.toFixed(2)} ms (median of 7), ${kept} kept`);
  }

  const appendMs = timeMs(() => {
    const store = new LogStore();
    store.setFilter({ minLevel: 'warn' });
    for (let i = 0; i < lines.length; i += 500) store.append(lines.slice(i, i + 500));
  }, 3);
  print(`LogStore: 100k lines appended in 500-line batches with a live filter: ${appendMs.toFixed(1)} ms (median of 3)`);
}
