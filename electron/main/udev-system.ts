/**
 * The real process start and file read behind udev-helper's injected Exec and ReadFileBytes. No
 * timeout on purpose: pkexec waits for the person at the password dialog.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec, ReadFileBytes, RuleFiles } from './udev-helper';

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

/** udev's rule folders as they are on this machine; `root` moves them into a scratch folder for tests. */
export function systemRuleFiles(root = '/'): RuleFiles {
  return {
    read: (path) => readFileBytes(join(root, path)),
    list: async (dir) => {
      try {
        return await readdir(join(root, dir));
      } catch (error) {
        if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
        throw error;
      }
    },
  };
}
