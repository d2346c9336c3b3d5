import { z } from 'zod';
import { command, query } from './define';
import { BackupIdSchema, DeviceIdSchema, OperationRefSchema, Sha256HexSchema } from '../domain';

export const BackupFileSchema = z.object({ name: z.string(), size: z.number().int(), sha256: Sha256HexSchema });

export const BackupSummarySchema = z.object({
  backupId: BackupIdSchema,
  deviceId: DeviceIdSchema,
  platformId: z.number().int(),
  createdAt: z.string(),
  kind: z.enum(['dct', 'firmware']),
  reason: z.string(),
  files: z.array(BackupFileSchema),
  /** Folder on disk, shown so the user knows where their data is. */
  location: z.string(),
});
export type BackupSummary = z.infer<typeof BackupSummarySchema>;

export const RestoreResultSchema = z.object({
  backupId: BackupIdSchema,
  deviceId: DeviceIdSchema,
  /** Backup of what the device held just before the restore (a restore is undoable). */
  safetyBackupId: BackupIdSchema.nullable(),
  /** DCT regions written, by name (private-key, server-key, claim-code, cloud-transport). */
  written: z.array(z.string()),
  verified: z.boolean(),
  /** The restored device key differs from the one the cloud holds as far as the app knows (restored after the user decided). */
  keyUnknownToCloud: z.boolean().optional(),
  /** The restored key's public key sent to the cloud so the device can connect with it. */
  upload: z.enum(['done', 'failed', 'not-needed']).optional(),
  /** What the user should know, in words. */
  messages: z.array(z.string()).optional(),
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

export const backupsMethods = {
  'backups.list': query(z.object({ deviceId: DeviceIdSchema.optional() }), z.object({ backups: z.array(BackupSummarySchema) }), 'Every backup, newest first.'),
  'backups.verify': query(
    z.object({ backupId: BackupIdSchema }),
    z.object({ ok: z.boolean(), problems: z.array(z.string()) }),
    'Re-hash every file of a backup against its manifest.',
  ),
  'backups.create': command(z.object({ deviceId: DeviceIdSchema }), OperationRefSchema, 'Back up the DCT and key slots now. Result: BackupSummary.'),
  'backups.restore': command(
    z.object({
      backupId: BackupIdSchema,
      /** Restore a device key the cloud is not known to hold, without uploading it. */
      force: z.boolean().optional(),
      /** Restore and upload the restored key's public key to the active cloud (needs sign-in). */
      uploadKey: z.boolean().optional(),
    }),
    OperationRefSchema,
    'Write a backup back to its device (keys/server key selectively, or firmware), verified by read-back. Result: RestoreResult for DCT backups.',
  ),
} as const;
