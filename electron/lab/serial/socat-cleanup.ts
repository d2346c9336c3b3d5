import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * socat children and pty folders of this process, removed however it ends: normal exit, and SIGINT or
 * SIGTERM when nobody else handles them (a command that handles the signal itself ends normally, and
 * the exit hook runs then).
 */
const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let installed = false;

function cleanupNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Others listening (e.g. `lab start` shutting down in order): let them; the exit hook still runs.
  if (process.listenerCount(signal) > 1) return;
  cleanupNow();
  process.off(signal, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstallWhenIdle(): void {
  if (!installed || children.size > 0 || dirs.size > 0) return;
  installed = false;
  process.off('exit', cleanupNow);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function track<T>(set: Set<T>, item: T): () => void {
  install();
  set.add(item);
  return () => {
    set.delete(item);
    uninstallWhenIdle();
  };
}

export function trackChild(child: ChildProcess): () => void {
  return track(children, child);
}

export function trackTempDir(dir: string): () => void {
  return track(dirs, dir);
}
