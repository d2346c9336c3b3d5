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

/** Three answers to every key question: proven good, proven bad, or not provable with the evidence at hand. */
export const KeyVerdictSchema = z.enum(['good', 'bad', 'unknown']);
export type KeyVerdictValue = z.infer<typeof KeyVerdictSchema>;

export const KeyQuestionSchema = z.object({
  question: z.enum(['device-key', 'server-key', 'cloud-accepts-key']),
  verdict: KeyVerdictSchema,
  /** Where the answer comes from: the DCT read over DFU, the device's own cloud status, the LED the user picked, or nothing. */
  source: z.enum(['dct', 'cloud-probe', 'led', 'none']),
  /** The evidence, in words. */
  evidence: z.string(),
});
export type KeyQuestion = z.infer<typeof KeyQuestionSchema>;

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
  /** True only when every question is answered "good"; "unknown" is never healthy. */
  healthy: z.boolean(),
  /** good: proven; bad: a problem was found; unknown: not provable here (e.g. in DFU mode the cloud link cannot be watched). */
  verdict: KeyVerdictSchema.optional(),
  /** Each question with its verdict and the evidence it rests on. */
  questions: z.array(KeyQuestionSchema).optional(),
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
  /** The health check the repair started from (what was found before anything was written). */
  found: KeyHealthSchema.optional(),
  /** Every backup this repair made, in order (backupId is the first), with where it is on disk. */
  backups: z.array(z.object({ backupId: z.string(), location: z.string() })).optional(),
  /**
   * Why the device is not online after the repair, from what was measured: the cloud refused the key
   * (the device kept trying), the cloud API could not be reached, or the device found no network.
   */
  offlineReason: z.enum(['cloud-refused-key', 'cloud-unreachable', 'no-network', 'unknown']).nullable().optional(),
  /** A restored key the cloud did not accept was replaced by a new one (generated and uploaded). */
  fellBackToNewKey: z.boolean().optional(),
  /**
   * The repair stopped to ask: the slots look intact but whether the cloud accepts the key could not
   * be proven; regenerate only when the user says so (regenerateIfUnknown, CLI --regenerate).
   */
  needsDecision: z.literal('regenerate-unproven-key').nullable().optional(),
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
      /** The LED the user picked; "blinking cyan with red/orange bursts" is evidence that the cloud refuses the key. */
      ledPatternId: z.string().max(64).optional(),
      /** Regenerate even when the cloud's refusal of an intact key could not be proven. */
      regenerateIfUnknown: z.boolean().optional(),
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
