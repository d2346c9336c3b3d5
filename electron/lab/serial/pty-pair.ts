import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, write as fsWrite } from 'node:fs';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { OutputQueue } from './output-queue';
import { DEFAULT_SERIAL_BUFFER_BYTES } from './lab-serial-port';
import { trackChild } from './socat-cleanup';
import type { SerialLink } from './virtual-serial-end';

const READY_TIMEOUT_MS = 5000;
/** How soon a full pty (nobody reads the app end) is tried again. */
const RETRY_MS = 50;
const WRITE_CHUNK = 4096;

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * The socat option: a real pty pair so other serial tools can open a virtual device. `<dir>/dev-<id>`
 * is the device end, `<dir>/app-<id>` the port the app (or screen, minicom…) opens. Writes go through
 * a non-blocking descriptor and the same bounded queue as the lab's binding: a pty nobody reads fills
 * up, and then the oldest output is dropped, never the event loop blocked.
 */
export async function openPtyPair(dir: string, deviceId: string, capacityBytes = DEFAULT_SERIAL_BUFFER_BYTES): Promise<SerialLink> {
  const devPath = join(dir, `dev-${deviceId}`);
  const appPath = join(dir, `app-${deviceId}`);
  let child: ChildProcess;
  try {
    child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${devPath}`, `pty,raw,echo=0,link=${appPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`socat could not be started (${String(error)}); install socat for virtual serial ports`);
  }
  const untrack = trackChild(child);
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
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    untrack();
    throw error;
  });
  const readFd = openSync(devPath, constants.O_RDWR | constants.O_NOCTTY);
  const writeFd = openSync(devPath, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  const input = new ReadStream(readFd);
  input.setEncoding('utf8');
  input.on('error', () => undefined);
  const queue = new OutputQueue(capacityBytes);
  let closed = false;
  let writing = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const pump = (): void => {
    if (closed || writing) return;
    const chunk = queue.take(WRITE_CHUNK);
    if (!chunk) return;
    writing = true;
    fsWrite(writeFd, chunk, 0, chunk.length, null, (error, written) => {
      writing = false;
      if (closed) return;
      const rest = error ? chunk : chunk.subarray(written);
      if (rest.length > 0) {
        // EAGAIN: the pty is full because nobody reads the app end; keep the bytes (bounded) and retry.
        queue.requeue(rest);
        retry ??= setTimeout(() => {
          retry = null;
          pump();
        }, RETRY_MS);
        retry.unref?.();
        return;
      }
      pump();
    });
  };

  return {
    appPath,
    write(text) {
      if (closed || text.length === 0) return;
      queue.push(Buffer.from(text, 'utf8'));
      pump();
    },
    onData(listener) {
      const handler = (chunk: string) => listener(chunk);
      input.on('data', handler);
      return () => input.off('data', handler);
    },
    // A pty cannot vanish like a USB CDC port, nor tell the line coding the other end chose.
    present: () => undefined,
    onLineCoding: () => () => undefined,
    stats: () => queue.stats(),
    async close() {
      if (closed) return;
      closed = true;
      if (retry) clearTimeout(retry);
      input.destroy();
      for (const fd of [readFd, writeFd]) {
        try {
          closeSync(fd);
        } catch {
          // already closed by the stream
        }
      }
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      untrack();
    },
  };
}
