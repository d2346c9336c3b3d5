import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { QueuedUploadSchema } from '../../../shared/contract/cloud';
import { readJsonFile, writeJsonAtomic } from './atomic-json';

/** The queue entry on disk: what the UI sees plus the public key itself (not secret, kept 0600 anyway). */
export const QueuedUploadFileSchema = QueuedUploadSchema.extend({ publicKeyPem: z.string() });
export type QueuedUpload = z.infer<typeof QueuedUploadFileSchema>;

const QueueFileSchema = z.object({ version: z.literal(1), items: z.array(QueuedUploadFileSchema) });

/** Public keys waiting for the cloud, in `<dataDir>/upload-queue.json`; one entry per device (the newest key wins). */
export class UploadQueue {
  private readonly file: string;
  private items: QueuedUpload[] | null = null;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'upload-queue.json');
  }

  async list(): Promise<QueuedUpload[]> {
    this.items ??= await this.load();
    return [...this.items];
  }

  /** A damaged queue is moved aside (support can still read it) rather than blocking every cloud call. */
  private async load(): Promise<QueuedUpload[]> {
    try {
      return (await readJsonFile(this.file, QueueFileSchema))?.items ?? [];
    } catch {
      await rename(this.file, `${this.file}.damaged-${Date.now()}`).catch(() => undefined);
      return [];
    }
  }

  async put(item: QueuedUpload): Promise<void> {
    const items = (await this.list()).filter((i) => i.deviceId !== item.deviceId);
    await this.write([...items, item]);
  }

  /** Removes exactly this entry: a newer key queued meanwhile for the same device stays. */
  async remove(item: QueuedUpload): Promise<void> {
    await this.write((await this.list()).filter((i) => !(i.deviceId === item.deviceId && i.queuedAt === item.queuedAt && i.publicKeyPem === item.publicKeyPem)));
  }

  async update(item: QueuedUpload): Promise<void> {
    const items = await this.list();
    const index = items.findIndex((i) => i.deviceId === item.deviceId && i.publicKeyPem === item.publicKeyPem);
    if (index < 0) return;
    items[index] = item;
    await this.write(items);
  }

  private async write(items: QueuedUpload[]): Promise<void> {
    await writeJsonAtomic(this.file, { version: 1, items });
    this.items = items;
  }
}
