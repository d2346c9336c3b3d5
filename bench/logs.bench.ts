import type { LogLine } from '../shared/contract/logs';
import { filterLogLines, parseLogLine } from '../electron/services/logs/log-parser';
import { SerialService } from '../electron/services/logs/serial-service';
import { openSocatPort, openVirtualPort, type TestPort } from '../electron/services/logs/test-support/virtual-port';
import { OperationLog } from '../electron/services/operations/operation-log';
import { timeMs } from './measure';

const DEVICE_ID = '0123456789abcdef01234567';
const LEVELS = ['TRACE', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
const CATEGORIES = ['app', 'comm.protocol', 'net.ifapi', 'system', 'ot.api'];

function rawLines(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const level = LEVELS[i % LEVELS.length];
    const category = CATEGORIES[i % CATEGORIES.length];
    out.push(i % 50 === 0 ? `plain print ${i}` : `${String(i * 7).padStart(10, '0')} [${category}] ${level}: event ${i} payload ${(i * 2654435761) % 100000}`);
  }
  return out;
}



/** Device OS lines through a virtual port into SerialService: how fast a log flood is taken in. */
async function serialThroughput(lines: string[], pty: TestPort): Promise<number> {
  const serial = new SerialService({ opLog: new OperationLog(null), capacity: lines.length, locators: [{ locate: async () => ({ path: pty.hostEnd, virtual: true }), touchBaud: async () => undefined }] });
  try {
    await serial.start(DEVICE_ID);
    const started = performance.now();
    const text = lines.join('\n') + '\n';
    await pty.write(text);
    const deadline = Date.now() + 60_000;
    while (serial.lines(DEVICE_ID).length < lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return performance.now() - started;
  } finally {
    await serial.stopAll();
    await pty.close();
  }
}

export async function run(print: (line: string) => void): Promise<void> {
  const raw = rawLines(100_000);
  let parsed: LogLine[] = [];
  const parseMs = timeMs(() => {
    parsed = raw.map((text, seq) => ({ seq, deviceId: DEVICE_ID, receivedAt: '2026-01-01T00:00:00.000Z', ...parseLogLine(text) }));
  });
  print(`parse 100k Device OS log lines: median ${parseMs.toFixed(1)} ms`);
  const filters = {
    'level ≥ warn': { minLevel: 'warn' as const },
    'category comm.protocol': { categories: ['comm.protocol'] },
    'text "payload 4"': { text: 'payload 4' },
  };
  for (const [name, filter] of Object.entries(filters)) {
    print(`filter 100k lines (${name}, export path): median ${timeMs(() => filterLogLines(parsed, filter)).toFixed(1)} ms`);
  }
  const count = 20_000;
  for (const [name, open] of [["the lab's serialport binding", async () => openVirtualPort()], ['a socat pty', openSocatPort]] as const) {
    try {
      const port = await open();
      if (!port) {
        print(`serial intake over ${name}: not measured (socat is not installed)`);
        continue;
      }
      const ms = await serialThroughput(raw.slice(0, count), port);
      print(`serial intake over ${name}: ${count} lines in ${ms.toFixed(0)} ms (${Math.round((count / ms) * 1000)} lines/s)`);
    } catch (error) {
      print(`serial intake over ${name} not measured: ${(error as Error).message}`);
    }
  }
}
