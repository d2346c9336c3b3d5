import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ServerKeySourceSchema } from '../../../shared/contract/keys';
import { DeviceIdSchema } from '../../../shared/domain';
import { writeFileAtomic } from '../backups/atomic-file';

/** Completed steps, in order. A resumed repair skips what is done and redoes nothing risky. */
export const REPAIR_STEPS = ['started', 'health-checked', 'backed-up', 'key-saved', 'dct-written', 'dfu-left', 'uploaded'] as const;
export type RepairStep = (typeof REPAIR_STEPS)[number];

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/).nullable();

export const RepairJournalSchema = z.object({
  version: z.literal(1),
  deviceId: DeviceIdSchema,
  platformId: z.number().int(),
  protocol: z.enum(['tcp', 'udp']),
  profileId: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  options: z.object({
    serverKey: ServerKeySourceSchema,
    productId: z.number().int().positive().optional(),
    preferBackupKey: z.boolean(),
    ledPatternId: z.string().optional(),
    regenerateIfUnknown: z.boolean().optional(),
  }),
  steps: z.array(z.enum(REPAIR_STEPS)),
  /** The USB mode the device was in when the repair started (written before anything changed it). */
  foundIn: z.enum(['normal', 'dfu']).optional(),
  /** Whether the cloud accepts the device key, and what that rests on; fixed before DFU is entered. */
  evidence: z
    .object({ cloudConnected: z.boolean().nullable(), source: z.enum(['cloud-probe', 'led', 'none']), watched: z.boolean() })
    .optional(),
  /** This repair replaces a restored key the cloud did not accept (it must not fall back again). */
  fallback: z.boolean().optional(),
  /** What the health check decided, fixed for the rest of the repair; null until it ran. */
  plan: z
    .object({
      replaceKey: z.boolean(),
      /** The server-key slot image to write (public data), null = leave the slot alone. */
      serverKeyImageBase64: z.string().nullable(),
    })
    .nullable(),
  before: z.object({ privateKeySha256: HashSchema, serverKeySha256: HashSchema }).nullable(),
  backupIds: z.array(z.string()),
  /** The key the device ends up with. Its private half is only in the key store file, never here. */
  key: z
    .object({
      action: z.enum(['generated', 'restored-from-backup', 'kept-key']),
      file: z.string().nullable(),
      publicKeyPem: z.string(),
      publicKeySha256: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .nullable(),
  upload: z.enum(['pending', 'queued', 'done', 'not-needed']),
  lastError: z.string().nullable(),
});
export type RepairJournal = z.infer<typeof RepairJournalSchema>;

/** One journal file per device in `<dataDir>/journal`, replaced atomically after every step. */
export class RepairJournalStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'journal');
  }

  async read(deviceId: string): Promise<RepairJournal | null> {
    const text = await readFile(this.file(deviceId), 'utf8').catch(() => null);
    if (text === null) return null;
    const parsed = RepairJournalSchema.safeParse(parseJson(text));
    return parsed.success ? parsed.data : null;
  }

  async write(journal: RepairJournal): Promise<RepairJournal> {
    const next = { ...journal, updatedAt: new Date().toISOString() };
    await writeFileAtomic(this.file(journal.deviceId), JSON.stringify(next, null, 2));
    return next;
  }

  async complete(journal: RepairJournal, step: RepairStep, changes: Partial<RepairJournal> = {}): Promise<RepairJournal> {
    const steps = journal.steps.includes(step) ? journal.steps : [...journal.steps, step];
    return this.write({ ...journal, ...changes, steps });
  }

  async remove(deviceId: string): Promise<void> {
    await rm(this.file(deviceId), { force: true });
  }

  async list(): Promise<RepairJournal[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: RepairJournal[] = [];
    for (const name of names) {
      const id = /^([0-9a-f]{24})\.json$/.exec(name)?.[1];
      const journal = id ? await this.read(id) : null;
      if (journal) out.push(journal);
    }
    return out;
  }

  private file(deviceId: string): string {
    return join(this.dir, `${DeviceIdSchema.parse(deviceId)}.json`);
  }
}

export function has(journal: RepairJournal, step: RepairStep): boolean {
  return journal.steps.includes(step);
}

export function lastStep(journal: RepairJournal): string {
  return journal.steps.at(-1) ?? 'started';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
