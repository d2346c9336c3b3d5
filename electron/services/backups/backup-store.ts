import { randomBytes, createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BackupSummary } from '../../../shared/contract/backups';
import { BackupIdSchema, DeviceIdSchema } from '../../../shared/domain';
import { RescueError } from '../../../shared/errors';
import type { OperationContext } from '../operations/operation-runner';
import { ensurePrivateDir, fsyncDir, writeSynced } from './atomic-file';

export type BackupKind = BackupSummary['kind'];
export type BackupMeta = Record<string, string | number | boolean>;

export interface BackupInput {
  deviceId: string;
  platformId: number;
  kind: BackupKind;
  reason: string;
  files: { name: string; data: Uint8Array }[];
  meta?: BackupMeta;
}

/** Writes a backup back to its device; registered per kind by the service that knows how. */
export type BackupRestorer = (backup: BackupSummary, ctx: OperationContext) => Promise<unknown>;

const MANIFEST = 'manifest.json';
const TEMP_PREFIX = '.tmp-';
const FILE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const ManifestSchema = z.object({
  format: z.literal(1),
  backupId: BackupIdSchema,
  deviceId: DeviceIdSchema,
  platformId: z.number().int(),
  kind: z.enum(['dct', 'firmware']),
  reason: z.string(),
  createdAt: z.string(),
  meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  files: z.array(z.object({ name: z.string().regex(FILE_NAME), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
type Manifest = z.infer<typeof ManifestSchema>;

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '').toLowerCase();
}

/**
 * Backups of DCT images, key slots and firmware regions, one folder per device and time, written
 * atomically (files fsynced in a hidden folder that is renamed into place), owner-only permissions,
 * and a manifest with the SHA-256 of every file so a backup can be verified before it is trusted.
 */
export class BackupStore {
  private readonly restorers = new Map<BackupKind, BackupRestorer>();

  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async save(input: BackupInput): Promise<BackupSummary> {
    DeviceIdSchema.parse(input.deviceId);
    const names = new Set<string>();
    for (const file of input.files) {
      if (!FILE_NAME.test(file.name) || file.name === MANIFEST || names.has(file.name)) {
        throw new RescueError('BACKUP_FAILED', `"${file.name}" is not a usable backup file name.`, 'This is a bug in Particle Rescue; report it.');
      }
      names.add(file.name);
    }
    const createdAt = this.now();
    const backupId = `${input.deviceId}-${stampOf(createdAt)}-${input.kind}-${randomBytes(2).toString('hex')}`;
    const deviceDir = join(this.dir, input.deviceId);
    const temp = join(deviceDir, `${TEMP_PREFIX}${backupId}`);
    const manifest: Manifest = {
      format: 1,
      backupId,
      deviceId: input.deviceId,
      platformId: input.platformId,
      kind: input.kind,
      reason: input.reason,
      createdAt: createdAt.toISOString(),
      meta: input.meta ?? {},
      files: input.files.map((f) => ({ name: f.name, size: f.data.length, sha256: sha256(f.data) })),
    };
    try {
      await ensurePrivateDir(temp);
      for (const file of input.files) await writeSynced(join(temp, file.name), file.data);
      await writeSynced(join(temp, MANIFEST), JSON.stringify(manifest, null, 2));
      await fsyncDir(temp);
      await rename(temp, join(deviceDir, backupId));
      await fsyncDir(deviceDir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
      throw new RescueError('BACKUP_FAILED', `Could not write the backup to ${deviceDir}: ${(error as Error).message}`, 'Check free disk space and that the app data folder is writable, then try again.');
    }
    return this.summaryOf(manifest);
  }

  /**
   * Start-up clean-up after a crash: removes the hidden `.tmp-*` folders of saves that never reached
   * their rename (the only state a killed save can leave). Finished backups are never touched.
   * Returns the removed paths.
   */
  async removeLeftovers(): Promise<string[]> {
    const removed: string[] = [];
    for (const device of await this.entries(this.dir)) {
      const deviceDir = join(this.dir, device);
      for (const name of await readdir(deviceDir).catch(() => [] as string[])) {
        if (!name.startsWith(TEMP_PREFIX)) continue;
        await rm(join(deviceDir, name), { recursive: true, force: true });
        removed.push(join(deviceDir, name));
      }
    }
    return removed;
  }

  /** Every backup, newest first; unreadable folders are skipped (verify reports them). */
  async list(deviceId?: string): Promise<BackupSummary[]> {
    const devices = deviceId ? [deviceId] : await this.entries(this.dir);
    const out: BackupSummary[] = [];
    for (const device of devices) {
      for (const name of await this.entries(join(this.dir, device))) {
        const manifest = await this.readManifest(device, name).catch(() => null);
        if (manifest) out.push(this.summaryOf(manifest));
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.backupId.localeCompare(a.backupId));
  }

  async get(backupId: string): Promise<BackupSummary> {
    return this.summaryOf(await this.manifestOf(backupId));
  }

  async meta(backupId: string): Promise<BackupMeta> {
    return (await this.manifestOf(backupId)).meta;
  }

  /** Reads one file and checks it against the manifest: a tampered file is never handed out. */
  async read(backupId: string, fileName: string): Promise<Uint8Array> {
    const manifest = await this.manifestOf(backupId);
    const entry = manifest.files.find((f) => f.name === fileName);
    if (!entry) throw new RescueError('NOT_FOUND', `Backup ${backupId} has no file ${fileName}.`, 'List the backup to see its files.');
    const data = new Uint8Array(await readFile(join(this.folderOf(backupId), fileName)).catch(() => Buffer.alloc(0)));
    if (data.length !== entry.size || sha256(data) !== entry.sha256) {
      throw new RescueError('BACKUP_CORRUPT', `File ${fileName} of backup ${backupId} does not match its manifest.`, 'Do not restore this backup; use an older one (backups --json lists them).');
    }
    return data;
  }

  async verify(backupId: string): Promise<{ ok: boolean; problems: string[] }> {
    let manifest: Manifest;
    try {
      manifest = await this.manifestOf(backupId);
    } catch (error) {
      return { ok: false, problems: [(error as Error).message] };
    }
    const problems: string[] = [];
    for (const entry of manifest.files) {
      const data = await readFile(join(this.folderOf(backupId), entry.name)).catch(() => null);
      if (!data) problems.push(`${entry.name} is missing.`);
      else if (data.length !== entry.size) problems.push(`${entry.name} is ${data.length} bytes, the manifest says ${entry.size}.`);
      else if (sha256(data) !== entry.sha256) problems.push(`${entry.name} was changed after the backup was made (SHA-256 differs).`);
    }
    return { ok: problems.length === 0, problems };
  }

  registerRestorer(kind: BackupKind, restorer: BackupRestorer): void {
    this.restorers.set(kind, restorer);
  }

  restorerFor(kind: BackupKind): BackupRestorer | undefined {
    return this.restorers.get(kind);
  }

  private folderOf(backupId: string): string {
    BackupIdSchema.parse(backupId);
    return join(this.dir, backupId.slice(0, 24), backupId);
  }

  private async manifestOf(backupId: string): Promise<Manifest> {
    if (!BackupIdSchema.safeParse(backupId).success || !DeviceIdSchema.safeParse(backupId.slice(0, 24)).success) {
      throw new RescueError('NOT_FOUND', `"${backupId}" is not a backup id.`, 'Use an id from the backups list.');
    }
    return this.readManifest(backupId.slice(0, 24), backupId);
  }

  private async readManifest(deviceId: string, backupId: string): Promise<Manifest> {
    const path = join(this.dir, deviceId, backupId, MANIFEST);
    const text = await readFile(path, 'utf8').catch(() => {
      throw new RescueError('NOT_FOUND', `No backup ${backupId}.`, 'Use an id from the backups list.');
    });
    const parsed = ManifestSchema.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.backupId !== backupId) {
      throw new RescueError('BACKUP_CORRUPT', `The manifest of backup ${backupId} is unreadable.`, 'Do not restore this backup; use an older one.');
    }
    return parsed.data;
  }

  private async entries(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: string[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      if ((await stat(join(dir, name)).catch(() => null))?.isDirectory()) out.push(name);
    }
    return out;
  }

  private summaryOf(m: Manifest): BackupSummary {
    return {
      backupId: m.backupId,
      deviceId: m.deviceId,
      platformId: m.platformId,
      createdAt: m.createdAt,
      kind: m.kind,
      reason: m.reason,
      files: m.files,
      location: join(this.dir, m.deviceId, m.backupId),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
