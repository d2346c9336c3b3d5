import { runCli } from '../cli';
import { allCommands } from '../commands/index';

/** Runs the CLI in-process with a scripted person at the terminal; `answers` null means there is no terminal. */
export async function scriptedCli(argv: string[], answers: string[] | null = null) {
  let out = '';
  let err = '';
  const asked: { question: string; secret: boolean }[] = [];
  const queue = answers ? [...answers] : null;
  const code = await runCli(argv, allCommands, {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    prompt: async (question, secret) => {
      asked.push({ question, secret });
      return queue ? (queue.shift() ?? '') : null;
    },
  });
  return { code, out, err, asked };
}
