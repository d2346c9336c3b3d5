import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ReadStream, WriteStream } from 'node:tty';

/** The device end of a virtual USB CDC port. */
export interface SerialLink {
  /** Path the app opens with `serialport` (as it would open /dev/ttyACM0). */
  readonly appPath: string;
  write(text: string): void;
  onData(listener: (text: string) => void): void;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 5000;

/**
 * A socat pty pair: `<dir>/dev-<id>` is the device end, `<dir>/app-<id>` the port the app opens.
 * tty streams (not fs streams) read the device end, so an idle port never blocks a libuv pool thread.
 */
export async function openPtyPair(dir: string, deviceId: string): Promise<SerialLink> {
  const devPath = join(dir, `dev-${deviceId}`);
  const appPath = join(dir, `app-${deviceId}`);
  let child: ChildProcess;
  try {
    child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${devPath}`, `pty,raw,echo=0,link=${appPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`socat could not be started (${String(error)}); install socat for virtual serial ports`);
  }
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`socat did not create the pty pair in time: ${stderr}`)), READY_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`socat could not be started (${error.message}); install socat for virtual serial ports`));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/starting data transfer loop/.test(stderr) && existsSync(devPath) && existsSync(appPath)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const fd = openSync(devPath, constants.O_RDWR | constants.O_NOCTTY);
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  input.setEncoding('utf8');
  input.on('error', () => undefined);
  output.on('error', () => undefined);
  let closed = false;
  return {
    appPath,
    write(text) {
      if (!closed) output.write(text);
    },
    onData(listener) {
      input.on('data', (chunk: string) => listener(chunk));
    },
    async close() {
      if (closed) return;
      closed = true;
      input.destroy();
      output.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed by the stream
      }
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
