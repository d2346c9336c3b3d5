import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupStore } from './backup-store';

/** Edges of the backup store that a mutation run found unguarded. */
const DEVICE = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER = 'bbbbbbbbbbbbbbbbbbbbbbbb';
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backups-edges-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const save = (store: BackupStore, name: string, data: Uint8Array, deviceId = DEVICE) =>
  store.save({ deviceId, platformId: 6, kind: 'dct', reason: 'r', files: [{ name, data }] });

describe('BackupStore edges', () => {
  it('removeLeftovers removes only hidden .tmp- folders, in every device folder, and names them', async () => {
    const store = new BackupStore(dir);
    const kept = await save(store, 'dct.bin', Uint8Array.of(1, 2, 3));
    await mkdir(join(dir, DEVICE, '.tmp-half'), { recursive: true });
    await writeFile(join(dir, DEVICE, '.tmp-half', 'dct.bin'), 'x');
    await mkdir(join(dir, OTHER, '.tmp-other'), { recursive: true });
    await mkdir(join(dir, DEVICE, '.keep-me'), { recursive: true });
    await mkdir(join(dir, DEVICE, 'x.tmp-not-hidden'), { recursive: true });
    const removed = await store.removeLeftovers();
    expect(removed.sort()).toEqual([join(dir, DEVICE, '.tmp-half'), join(dir, OTHER, '.tmp-other')].sort());
    expect((await readdir(join(dir, DEVICE))).sort()).toEqual(['.keep-me', kept.backupId, 'x.tmp-not-hidden'].sort());
    expect(await readdir(join(dir, OTHER))).toEqual([]);
    expect(await new BackupStore(join(dir, 'missing')).removeLeftovers()).toEqual([]);
  });

  it('file names: the manifest name, duplicates and bad names are refused with the name in the message', async () => {
    const store = new BackupStore(dir);
    const files = (names: string[]) => names.map((name) => ({ name, data: new Uint8Array(1) }));
    for (const names of [['manifest.json'], ['a.bin', 'a.bin'], ['A.bin'], ['.hidden']]) {
      await expect(store.save({ deviceId: DEVICE, platformId: 6, kind: 'dct', reason: 'r', files: files(names) })).rejects.toMatchObject({
        code: 'BACKUP_FAILED',
        message: expect.stringContaining(`"${names.at(-1)}"`),
      });
    }
    expect(await store.list()).toEqual([]);
  });

  it('a failed save names the folder and removes its temp folder', async () => {
    await mkdir(join(dir, DEVICE), { recursive: true });
    // The store's folder is a plain file: creating the temp folder inside it fails.
    await writeFile(join(dir, DEVICE, 'blocker'), '');
    const failing = new BackupStore(join(dir, DEVICE, 'blocker'));
    await expect(save(failing, 'dct.bin', Uint8Array.of(1))).rejects.toMatchObject({ code: 'BACKUP_FAILED', message: expect.stringContaining(join(dir, DEVICE, 'blocker')) });
    expect((await readdir(join(dir, DEVICE))).sort()).toEqual(['blocker']);
  });

  it('list: same time sorts by id, skips hidden folders, plain files and folders without a manifest', async () => {
    const at = new Date('2026-02-02T00:00:00Z');
    const store = new BackupStore(dir, () => at);
    const a = await save(store, 'a.bin', Uint8Array.of(1));
    const b = await save(store, 'b.bin', Uint8Array.of(2));
    await mkdir(join(dir, DEVICE, '.hidden-backup'));
    await writeFile(join(dir, DEVICE, 'plain-file'), 'x');
    await mkdir(join(dir, DEVICE, 'no-manifest'));
    await writeFile(join(dir, 'stray-file'), 'x');
    const ids = [a.backupId, b.backupId].sort().reverse();
    expect((await store.list()).map((x) => x.backupId)).toEqual(ids);
    expect((await store.list(DEVICE)).map((x) => x.backupId)).toEqual(ids);
    expect(await store.list(OTHER)).toEqual([]);
  });

  it('verify names a size change; read refuses a file the manifest does not list and a missing file', async () => {
    const store = new BackupStore(dir);
    const backup = await save(store, 'dct.bin', Uint8Array.of(1, 2, 3));
    expect(await store.verify(backup.backupId)).toEqual({ ok: true, problems: [] });
    expect(await store.meta(backup.backupId)).toEqual({});
    await expect(store.read(backup.backupId, 'other.bin')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('other.bin') });
    await writeFile(join(backup.location, 'dct.bin'), Uint8Array.of(1, 2));
    expect(await store.verify(backup.backupId)).toEqual({ ok: false, problems: ['dct.bin is 2 bytes, the manifest says 3.'] });
    await rm(join(backup.location, 'dct.bin'));
    await expect(store.read(backup.backupId, 'dct.bin')).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });

  it('ids: a valid-looking id whose manifest is missing or belongs to another backup is refused', async () => {
    const store = new BackupStore(dir);
    const backup = await save(store, 'dct.bin', Uint8Array.of(1));
    const fake = `${DEVICE}-20260101t000000000z-dct-0000`;
    await expect(store.get(fake)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(fake) });
    expect((await store.verify(fake)).ok).toBe(false);
    await mkdir(join(dir, DEVICE, fake));
    await writeFile(join(dir, DEVICE, fake, 'manifest.json'), await readFile(join(backup.location, 'manifest.json')));
    await expect(store.get(fake)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT', message: expect.stringContaining(fake) });
    await expect(store.get('not-a-device-id-at-all-xx-20260101t000000000z-dct-0000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
