import { type ConsoleTarget, handleConsoleInput } from './listening-console';
import type { SerialLink } from './virtual-serial-end';

const MAX_LINES = 1000;

/**
 * Device OS log output on the USB serial port: `0000012345 [category] LEVEL: message`, the timestamp
 * in milliseconds since boot. Lines are also kept in memory so tests and the UI can read them without
 * a pty.
 */
export class DeviceLog {
  private readonly lines: string[] = [];
  private bootAt = Date.now();
  private link: SerialLink | null = null;
  private cdc = false;

  /** Only while the CDC interface exists (normal, listening, safe mode); the port comes and goes with it. */
  get cdcUp(): boolean {
    return this.cdc;
  }

  set cdcUp(up: boolean) {
    this.cdc = up;
    this.link?.present(up);
  }

  /** Log lines go to the port; keys typed on it reach the listening-mode console. */
  attach(link: SerialLink, console: Omit<ConsoleTarget, 'print'>): void {
    this.link = link;
    link.present(this.cdc);
    link.onData((text) => handleConsoleInput({ ...console, print: (line) => this.raw(line) }, text));
  }

  rebooted(): void {
    this.bootAt = Date.now();
  }

  write(category: string, level: 'TRACE' | 'INFO' | 'WARN' | 'ERROR', message: string): void {
    const stamp = String(Date.now() - this.bootAt).padStart(10, '0');
    this.raw(`${stamp} [${category}] ${level}: ${message}`);
  }

  /** Console output that is not a log line (listening-mode answers). */
  raw(line: string): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    if (this.cdcUp) this.link?.write(`${line}\r\n`);
  }

  recent(): string[] {
    return [...this.lines];
  }
}
