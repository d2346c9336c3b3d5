import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RescueError } from '../../../shared/errors';
import { writeFileAtomic } from './atomic-file';
import { BackupStore } from './backup-store';

const DEVICE = '0123456789abcdef01234567';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backups-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function dctBackup(store: BackupStore, reason = 'before key repair') {
  return store.save({
    deviceId: DEVICE,
    platformId: 6,
    kind: 'dct',
    reason,
    files: [
      { name: 'dct.bin', data: new Uint8Array(8391).fill(0xab) },
      { name: 'private-key-slot.bin', data: new Uint8Array(612).fill(0x30) },
    ],
    meta: { protocol: 'tcp' },
  });
}

describe('BackupStore', () => {
  it('saves files with a manifest, owner-only permissions, and reads them back', async () => {
    const store = new BackupStore(dir);
    const summary = await dctBackup(store);
    expect(summary.backupId.startsWith(DEVICE)).toBe(true);
    expect(summary.files.map((f) => f.name)).toEqual(['dct.bin', 'private-key-slot.bin']);
    expect(summary.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const manifest = JSON.parse(await readFile(join(summary.location, 'manifest.json'), 'utf8'));
    expect(manifest.files).toEqual(summary.files);
    if (process.platform !== 'win32') {
      expect((await stat(join(summary.location, 'dct.bin'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(summary.location, 'manifest.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(summary.location)).mode & 0o777).toBe(0o700);
    }
    expect(await store.read(summary.backupId, 'dct.bin')).toEqual(new Uint8Array(8391).fill(0xab));
    expect(await store.meta(summary.backupId)).toEqual({ protocol: 'tcp' });
    expect(await store.verify(summary.backupId)).toEqual({ ok: true, problems: [] });
  });

  it('lists newest first, filtered by device, and leaves no temp folders behind', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const store = new BackupStore(dir, () => new Date((t += 1000)));
    const first = await dctBackup(store, 'one');
    const second = await dctBackup(store, 'two');
    await store.save({ deviceId: 'ffffffffffffffffffffffff', platformId: 12, kind: 'firmware', reason: 'x', files: [{ name: 'user-part.bin', data: new Uint8Array(4) }] });
    expect((await store.list(DEVICE)).map((b) => b.backupId)).toEqual([second.backupId, first.backupId]);
    expect(await store.list()).toHaveLength(3);
    expect((await readdir(join(dir, DEVICE))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('verify and read detect tampering, missing files and a broken manifest', async () => {
    const store = new BackupStore(dir);
    const summary = await dctBackup(store);
    await writeFile(join(summary.location, 'private-key-slot.bin'), new Uint8Array(612).fill(0x31));
    const result = await store.verify(summary.backupId);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/private-key-slot\.bin was changed/);
    await expect(store.read(summary.backupId, 'private-key-slot.bin')).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });

    await rm(join(summary.location, 'dct.bin'));
    expect((await store.verify(summary.backupId)).problems).toContain('dct.bin is missing.');

    await writeFile(join(summary.location, 'manifest.json'), '{"format": 1');
    expect((await store.verify(summary.backupId)).ok).toBe(false);
    await expect(store.get(summary.backupId)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
    expect(await store.list(DEVICE)).toEqual([]);
  });

  it('refuses bad file names and unknown ids with clear errors', async () => {
    const store = new BackupStore(dir);
    await expect(store.save({ deviceId: DEVICE, platformId: 6, kind: 'dct', reason: 'x', files: [{ name: '../evil', data: new Uint8Array(1) }] })).rejects.toBeInstanceOf(RescueError);
    await expect(store.get('../../etc')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.get(`${DEVICE}-nope`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a failed save leaves nothing half-written', async () => {
    const store = new BackupStore(dir);
    // A file where the device folder should be makes the save fail part-way.
    await writeFile(join(dir, DEVICE), 'not a folder');
    await expect(dctBackup(store)).rejects.toMatchObject({ code: 'BACKUP_FAILED' });
    expect(await store.list()).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole with mode 0600 and no temp files left', async () => {
    const path = join(dir, 'sub', 'journal.json');
    await writeFileAtomic(path, '{"a":1}');
    await writeFileAtomic(path, '{"a":2}');
    expect(await readFile(path, 'utf8')).toBe('{"a":2}');
    expect(await readdir(join(dir, 'sub'))).toEqual(['journal.json']);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
