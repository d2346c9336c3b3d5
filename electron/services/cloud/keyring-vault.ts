import { spawn } from 'node:child_process';
import { MemoryTokenVault, type TokenVault } from './token-vault';

/** Runs a program with `stdin`; code null when it could not be started. */
export type RunTool = (command: string, args: readonly string[], stdin: string) => Promise<{ code: number | null; stdout: string }>;

export const runTool: RunTool = (command, args, stdin) =>
  new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', () => resolve({ code: null, stdout: '' }));
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });

const ATTRIBUTES = ['service', 'particle-rescue', 'item', 'cloud-sessions'];

/**
 * The CLI's token store outside Electron: the desktop's Secret Service keyring (GNOME Keyring,
 * KWallet) through libsecret's `secret-tool`, the secret passed on stdin, never as an argument.
 * Where there is no keyring (no secret-tool, no session bus, another OS) the token is never written
 * in clear: it stays in memory for this one command and `kind` says so.
 */
export function createKeyringVault(run: RunTool = runTool, platform: NodeJS.Platform = process.platform): TokenVault {
  const memory = new MemoryTokenVault();
  let keyring = platform === 'linux';
  return {
    get kind() {
      return keyring ? 'os-keyring' : 'memory';
    },
    async load() {
      if (!keyring) return memory.load();
      const found = await run('secret-tool', ['lookup', ...ATTRIBUTES], '');
      if (found.code === null) keyring = false;
      return found.code === 0 && found.stdout ? found.stdout : memory.load();
    },
    async save(token) {
      await memory.save(token);
      if (!keyring) return;
      const stored = await run('secret-tool', ['store', '--label=Particle Rescue cloud sign-in', ...ATTRIBUTES], token);
      if (stored.code !== 0) keyring = false;
    },
    async clear() {
      await memory.clear();
      if (keyring) await run('secret-tool', ['clear', ...ATTRIBUTES], '');
    },
  };
}
