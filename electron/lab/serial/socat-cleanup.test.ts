import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, hasTool, startCli } from '../../cli/testing/cli-process';
import { until } from '../test-support/raw-usb';

// The socat pty option, in real CLI processes: whatever way the process ends, no socat child and no
// pty folder stay behind. Without socat there is nothing to clean: skipped, with that reason.
const socat = hasTool('socat');
const NO_SOCAT = 'socat is not installed (optional: apt-get install socat); without it the lab uses its own binding and starts no process';
let cli: { entry: string; remove: () => void } | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  if (socat) cli = await buildCli();
}, 60_000);
afterAll(() => {
  cli?.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function socatsUnder(dir: string): string {
  try {
    return execFileSync('pgrep', ['-f', `[s]ocat.*${dir}`]).toString().trim();
  } catch {
    return '';
  }
}

/** Starts a command with the pty option, its temp folder private, and waits until socat runs. */
async function startWithPty(args: string[], ready: RegExp) {
  const tmp = mkdtempSync(join(tmpdir(), 'rescue-pty-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'rescue-data-'));
  dirs.push(tmp, dataDir);
  const run = startCli(cli!.entry, [...args, '--data-dir', dataDir], { TMPDIR: tmp, PARTICLE_RESCUE_LAB_PTY: '1' });
  await until(() => ready.test(run.stdout()) || run.child.exitCode !== null, 'the command to be running', 60_000);
  expect(run.child.exitCode, run.stderr()).toBeNull();
  expect(socatsUnder(tmp)).not.toBe('');
  expect(readdirSync(tmp).filter((n) => n.startsWith('particle-lab-'))).toHaveLength(1);
  return { run, tmp };
}

describe('socat pty option: cleaned up on SIGINT, SIGTERM and normal exit', () => {
  it('a running command (logs), then SIGINT (Ctrl+C): no socat and no pty folder left', async (ctx) => {
    ctx.skip(!socat, NO_SOCAT);
    const { run, tmp } = await startWithPty(['logs', '--virtual', 'photon-healthy'], /Reading \S*app-/);
    run.child.kill('SIGINT');
    await run.exited;
    expect(socatsUnder(tmp)).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  }, 90_000);

  it('a command that does not handle SIGTERM itself (logs) still removes socat and the folder', async (ctx) => {
    ctx.skip(!socat, NO_SOCAT);
    const { run, tmp } = await startWithPty(['logs', '--virtual', 'photon-healthy'], /Reading \S*app-/);
    run.child.kill('SIGTERM');
    expect((await run.exited).signal).toBe('SIGTERM');
    expect(socatsUnder(tmp)).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  }, 90_000);

  it('normal exit (logs --seconds 1) leaves nothing', async (ctx) => {
    ctx.skip(!socat, NO_SOCAT);
    const { run, tmp } = await startWithPty(['logs', '--virtual', 'photon-healthy', '--seconds', '1'], /Reading \S*app-/);
    expect((await run.exited).code).toBe(0);
    expect(socatsUnder(tmp)).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  }, 90_000);
});
