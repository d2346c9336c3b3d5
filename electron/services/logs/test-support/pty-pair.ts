import { spawn, type ChildProcess } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';

/** Two connected pseudo-terminals from socat: what one end writes, the other reads (a stand-in USB CDC port). */
export interface PtyPair {
  /** The "device" end: tests write Device OS log lines here. */
  deviceEnd: string;
  /** The "host" end: what SerialService opens. */
  hostEnd: string;
  /** Writes in order without blocking the event loop (the reader may be this same process). */
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Needs socat: callers check `socatAvailable()` first and skip with a reason without it. */
export function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`socat did not report two ptys within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`socat could not be started (${error.message}); install it (apt-get install socat).`));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const paths = [...stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]);
      if (settled || paths.length < 2 || !/starting data transfer loop/.test(stderr)) return;
      settled = true;
      clearTimeout(timer);
      open(paths[0], 'r+').then((handle: FileHandle) => {
        let queue: Promise<unknown> = Promise.resolve();
        resolve({
          deviceEnd: paths[0],
          hostEnd: paths[1],
          write: (text) => {
            const done = queue.then(() => handle.write(text));
            queue = done.catch(() => undefined);
            return done.then(() => undefined);
          },
          close: async () => {
            await queue;
            await handle.close();
            if (child.exitCode !== null) return;
            await new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill();
            });
          },
        });
      }, reject);
    });
  });
}
