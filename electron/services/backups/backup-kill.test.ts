import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupStore } from './backup-store';

/**
 * A real child process saves a backup and is SIGKILLed before each file-system step of the save in
 * turn (and half-way through each file write). After every kill, as on the next start of the app:
 * leftovers are removed, and the backup is either complete and verifiable or absent.
 */
const DEVICE_ID = '0123456789abcdef01234567';
const DCT = Buffer.alloc(8391);
for (let i = 0; i < DCT.length; i++) DCT[i] = (i * 31 + 7) & 0xff;

let work: string;
let child: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'backup-kill-'));
  child = join(work, 'save-and-die.cjs');
  buildSync({ entryPoints: [join(__dirname, 'testing/save-and-die.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: child, logLevel: 'silent' });
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function runChild(dir: string, killAt: number): { signal: NodeJS.Signals | null; stdout: string } {
  const result = spawnSync(process.execPath, [child], {
    env: { ...process.env, BACKUP_DIR: dir, KILL_AT: String(killAt), DEVICE_ID, DCT_HEX: DCT.toString('hex') },
    encoding: 'utf8',
  });
  return { signal: result.signal, stdout: result.stdout };
}

/** Every entry under the device folder: what a user (or the app) would find on disk. */
function onDisk(dir: string): string[] {
  try {
    return readdirSync(join(dir, DEVICE_ID));
  } catch {
    return [];
  }
}

describe('backups survive SIGKILL at every step of a save', () => {
  it('a full run counts the steps, and every kill point leaves a complete backup or none', async () => {
    const clean = mkdtempSync(join(work, 'full-'));
    const full = runChild(clean, 0);
    expect(full.signal).toBeNull();
    const steps = Number(/steps (\d+)/.exec(full.stdout)?.[1]);
    expect(steps).toBeGreaterThan(8);

    const outcomes = new Set<string>();
    for (let killAt = 1; killAt <= steps; killAt++) {
      const dir = mkdtempSync(join(work, `kill-${killAt}-`));
      const run = runChild(dir, killAt);
      expect(run.signal, `kill at step ${killAt}`).toBe('SIGKILL');
      expect(run.stdout).not.toMatch(/saved/);

      // Next start of the app.
      const store = new BackupStore(dir);
      await store.removeLeftovers();
      const entries = onDisk(dir);
      const backups = await store.list();
      // Nothing on disk but finished backups: no half folder is left for anyone to trust or trip on.
      expect(entries.sort(), `kill at step ${killAt}`).toEqual(backups.map((b) => b.backupId).sort());
      expect(backups.length).toBeLessThanOrEqual(1);
      if (backups.length === 1) {
        const [backup] = backups;
        expect(await store.verify(backup.backupId)).toEqual({ ok: true, problems: [] });
        expect(Buffer.from(await store.read(backup.backupId, 'dct.bin')).equals(DCT)).toBe(true);
        outcomes.add('complete');
      } else outcomes.add('absent');
    }
    // The kills really landed both before and after the point of no return (the rename).
    expect([...outcomes].sort()).toEqual(['absent', 'complete']);
  });
});
