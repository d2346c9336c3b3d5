import { z } from 'zod';
import { command, query } from './define';
import { Base64Schema, DeviceIdSchema, OperationRefSchema, Sha256HexSchema } from '../domain';

export const PrivateKeyHealthSchema = z.object({
  state: z.enum(['blank', 'corrupt', 'valid', 'wrong-algorithm']),
  algorithm: z.enum(['rsa-1024', 'ec-p256', 'other']).nullable(),
  /** SHA-256 of the public key (SPKI DER) derived from the private key: safe to show, never the key. */
  publicKeySha256: Sha256HexSchema.nullable(),
  /** Whether the firmware-maintained device public key field matches; null when that field is blank. */
  matchesDevicePublicKey: z.boolean().nullable(),
});

export const ServerKeyHealthSchema = z.object({
  state: z.enum(['blank', 'genuine', 'profile', 'other', 'corrupt']),
  sha256: Sha256HexSchema.nullable(),
  address: z.object({ kind: z.enum(['default', 'ipv4', 'domain']), host: z.string(), port: z.number().int() }),
});

export const KeyHealthSchema = z.object({
  deviceId: DeviceIdSchema,
  protocol: z.enum(['tcp', 'udp']),
  dctReadable: z.boolean(),
  protected: z.boolean(),
  privateKey: PrivateKeyHealthSchema,
  serverKey: ServerKeyHealthSchema,
  healthy: z.boolean(),
  /** Plain-language findings, one per problem. */
  problems: z.array(z.string()),
});
export type KeyHealth = z.infer<typeof KeyHealthSchema>;

export const ServerKeySourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto') }),
  z.object({ kind: z.literal('keep') }),
  z.object({ kind: z.literal('profile') }),
  z.object({ kind: z.literal('blank') }),
  z.object({ kind: z.literal('file'), dataBase64: Base64Schema }),
  z.object({ kind: z.literal('device'), deviceId: DeviceIdSchema }),
]);
export type ServerKeySource = z.infer<typeof ServerKeySourceSchema>;

export const SlotHashesSchema = z.object({
  privateKeySha256: Sha256HexSchema.nullable(),
  serverKeySha256: Sha256HexSchema.nullable(),
});

export const RepairResultSchema = z.object({
  deviceId: DeviceIdSchema,
  action: z.enum(['none-needed', 'generated', 'restored-from-backup']),
  keyWritten: z.boolean(),
  serverKeyWritten: z.boolean(),
  upload: z.enum(['done', 'queued', 'not-needed']),
  backupId: z.string().nullable(),
  before: SlotHashesSchema,
  after: SlotHashesSchema,
  dfuSessions: z.number().int(),
  cloudConnected: z.boolean().nullable(),
});
export type RepairResult = z.infer<typeof RepairResultSchema>;

export const PendingRepairSchema = z.object({
  deviceId: DeviceIdSchema,
  lastCompletedStep: z.string(),
  startedAt: z.string(),
  uploadQueued: z.boolean(),
});

export const keysMethods = {
  'keys.healthCheck': query(z.object({ deviceId: DeviceIdSchema }), OperationRefSchema, 'Read the DCT over DFU and judge the key slots (read-only). Result: KeyHealth.'),
  'keys.repair': command(
    z.object({
      deviceId: DeviceIdSchema,
      serverKey: ServerKeySourceSchema.default({ kind: 'auto' }),
      productId: z.number().int().positive().optional(),
      preferBackupKey: z.boolean().default(true),
    }),
    OperationRefSchema,
    'One-click key repair: back up, regenerate, write, verify, upload, confirm. Resumable. Result: RepairResult.',
  ),
  'keys.pending': query(z.object({}), z.object({ pending: z.array(PendingRepairSchema) }), 'Repairs that stopped part-way and can be resumed.'),
  'keys.resume': command(z.object({ deviceId: DeviceIdSchema }), OperationRefSchema, 'Resume an interrupted repair from its journal. Result: RepairResult.'),
} as const;
