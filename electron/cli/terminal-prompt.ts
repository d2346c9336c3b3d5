import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks one question on the terminal. Null when stdin is not a terminal, so a script never hangs
 * waiting for input it will not give. Secret answers are not echoed.
 */
export function terminalPrompt(question: string, secret: boolean): Promise<string | null> {
  if (!process.stdin.isTTY) return Promise.resolve(null);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      if (secret) process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    muted = secret;
    rl.on('SIGINT', () => {
      rl.close();
      resolve(null);
    });
  });
}
