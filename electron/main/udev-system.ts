/**
 * The real process start and file read behind udev-helper's injected Exec and ReadFileBytes. No
 * timeout on purpose: pkexec waits for the person at the password dialog.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Exec, ReadFileBytes } from './udev-helper';

export const spawnExec: Exec = (command, args, stdin) =>
  new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // ENOENT (program not installed) arrives here; the first settlement wins.
    child.on('error', () => resolve({ code: null, stderr }));
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });

export const readFileBytes: ReadFileBytes = async (path) => {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};
