import { z } from 'zod';
import { command, query } from './define';
import { Base64Schema, DeviceIdSchema, OperationRefSchema, Sha256HexSchema } from '../domain';

export const PrivateKeyHealthSchema = z.object({
  state: z.enum(['blank', 'corrupt', 'valid', 'wrong-algorithm', 'unreadable']),
  algorithm: z.enum(['rsa-1024', 'ec-p256', 'other']).nullable(),
  /** SHA-256 of the public key (SPKI DER) derived from the private key: safe to show, never the key. */
  publicKeySha256: Sha256HexSchema.nullable(),
  /** Whether the firmware-maintained device public key field matches; null when that field is blank. */
  matchesDevicePublicKey: z.boolean().nullable(),
});

export const ServerKeyHealthSchema = z.object({
  state: z.enum(['blank', 'genuine', 'profile', 'other', 'corrupt', 'unreadable']),
  sha256: Sha256HexSchema.nullable(),
  address: z.object({ kind: z.enum(['default', 'ipv4', 'domain']), host: z.string(), port: z.number().int() }),
  /** Whether the slot leads the device to the active cloud profile's server. */
  matchesProfile: z.boolean(),
});

export const KeyHealthSchema = z.object({
  deviceId: DeviceIdSchema,
  platformId: z.number().int(),
  protocol: z.enum(['tcp', 'udp']),
  /** Cloud profile the server key was judged against. */
  profileId: z.string(),
  dctReadable: z.boolean(),
  protected: z.boolean(),
  privateKey: PrivateKeyHealthSchema,
  serverKey: ServerKeyHealthSchema,
  /**
   * Whether the device was seen connected to the cloud just before the DCT was read (USB control
   * request 300 or the cloud API); null when it could not be asked (device already in DFU mode).
   */
  cloudConnected: z.boolean().nullable(),
  healthy: z.boolean(),
  /** One sentence for people. */
  summary: z.string(),
  /** Plain-language findings, one per problem. */
  problems: z.array(z.string()),
  /** Observations that need no repair (e.g. the firmware will refresh the public key field). */
  notes: z.array(z.string()),
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
  /** kept-key: only the server key was wrong; the device key stays and its public key is uploaded. */
  action: z.enum(['none-needed', 'generated', 'restored-from-backup', 'kept-key']),
  keyWritten: z.boolean(),
  serverKeyWritten: z.boolean(),
  upload: z.enum(['done', 'queued', 'not-needed']),
  backupId: z.string().nullable(),
  before: SlotHashesSchema,
  after: SlotHashesSchema,
  dfuSessions: z.number().int(),
  cloudConnected: z.boolean().nullable(),
  /** Where the device key was kept on disk before it was written (0600), null when none was written. */
  keyFile: z.string().nullable(),
  /** What the user should know or do next, in words. */
  messages: z.array(z.string()),
});
export type RepairResult = z.infer<typeof RepairResultSchema>;

export const PendingRepairSchema = z.object({
  deviceId: DeviceIdSchema,
  lastCompletedStep: z.string(),
  startedAt: z.string(),
  uploadQueued: z.boolean(),
  backupIds: z.array(z.string()),
  lastError: z.string().nullable(),
});
export type PendingRepair = z.infer<typeof PendingRepairSchema>;

export const ServerKeyCandidateSchema = z.object({
  protocol: z.enum(['tcp', 'udp']),
  path: z.string(),
  /** Checked against the genuine Particle Cloud key hashes: only genuine files are offered for writing. */
  genuine: z.boolean(),
});
export type ServerKeyCandidate = z.infer<typeof ServerKeyCandidateSchema>;

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
  'keys.serverKeyCandidates': query(
    z.object({}),
    z.object({ candidates: z.array(ServerKeyCandidateSchema) }),
    "Server key files of an installed Particle CLI (assets/keys/{rsa,ec}.pub.der), each checked against the genuine hashes.",
  ),
  'keys.resume': command(z.object({ deviceId: DeviceIdSchema }), OperationRefSchema, 'Resume an interrupted repair from its journal. Result: RepairResult.'),
} as const;
