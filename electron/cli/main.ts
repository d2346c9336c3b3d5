import { runCli } from './cli';
import { allCommands } from './commands';
import { terminalPrompt } from './terminal-prompt';

runCli(process.argv.slice(2), allCommands, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  prompt: terminalPrompt,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Particle Rescue CLI failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
