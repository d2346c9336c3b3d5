import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../../..');

/** The CLI bundled like `npm run cli` does, once per test file, in a folder of its own. */
export async function buildCli(): Promise<{ entry: string; remove: () => void }> {
  const dir = join(ROOT, 'dist', `test-cli-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'main.js');
  await build({ entryPoints: [join(ROOT, 'electron/cli/main.ts')], outfile: entry, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'error' });
  return { entry, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** PATH without the folders that hold `tool`: proves a command needs nothing of it. */
export function pathWithout(tool: string, path = process.env.PATH ?? ''): string {
  return path
    .split(delimiter)
    .filter((dir) => dir && !existsSync(join(dir, tool)))
    .join(delimiter);
}

export function hasTool(tool: string): boolean {
  return spawnSync(tool, ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * Runs the CLI to its end. A command that outlives `limitMs` is killed and reported as hanging, so a
 * test fails on a hang instead of waiting for the runner's timeout.
 */
export async function runCliProcess(entry: string, args: string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(entry, args, env);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    run.child.kill('SIGKILL');
  }, limitMs);
  const { code } = await run.exited;
  clearTimeout(timer);
  if (hung) throw new Error(`\`${args.join(' ')}\` did not finish within ${limitMs} ms:\n${run.stdout()}\n${run.stderr()}`);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
