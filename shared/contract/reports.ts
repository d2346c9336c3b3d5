import { z } from 'zod';
import { query } from './define';
import { DeviceIdSchema } from '../domain';
import { FindingSchema } from './diagnosis';
import { SlotHashesSchema } from './keys';

export const ReportStepSchema = z.object({
  name: z.string(),
  status: z.enum(['succeeded', 'failed', 'skipped', 'cancelled']),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  message: z.string(),
});

/** The measured facts of a key repair, as a report tells them (fingerprints only, never key material). */
export const KeyRepairFactsSchema = z.object({
  action: z.enum(['none-needed', 'generated', 'restored-from-backup', 'kept-key']),
  /** What the health check found before anything was written. */
  problemsFound: z.array(z.string()),
  /** The health check's verdict before the repair (unknown = not provable). */
  verdictBefore: z.enum(['good', 'bad', 'unknown']).nullable(),
  /** Public-key SHA-256 of each key this repair generated or restored. */
  keys: z.array(z.object({ origin: z.enum(['generated', 'restored-from-backup', 'kept-key']), publicKeySha256: z.string() })),
  deviceKeyWritten: z.boolean(),
  serverKeyWritten: z.boolean(),
  /** Every write was read back and compared (a repair that writes always verifies; false only when nothing was written). */
  verified: z.boolean(),
  upload: z.enum(['done', 'queued', 'not-needed']),
  cloudConnected: z.boolean().nullable(),
  offlineReason: z.enum(['cloud-refused-key', 'cloud-unreachable', 'no-network', 'unknown']).nullable(),
  fellBackToNewKey: z.boolean(),
  needsDecision: z.boolean(),
  messages: z.array(z.string()),
});
export type KeyRepairFacts = z.infer<typeof KeyRepairFactsSchema>;

export const RescueReportSchema = z.object({
  reportId: z.string(),
  deviceId: DeviceIdSchema,
  platformName: z.string(),
  virtual: z.boolean(),
  createdAt: z.string(),
  /**
   * rescued: the cloud confirmed the connection; repaired-not-online: written and verified, not (yet) online;
   * undecided: nothing written, the repair waits for the user's decision.
   */
  outcome: z.enum(['rescued', 'partly', 'failed', 'nothing-to-do', 'repaired-not-online', 'undecided']),
  whatHappened: z.string(),
  findings: z.array(FindingSchema),
  steps: z.array(ReportStepSchema),
  slots: z.object({ before: SlotHashesSchema.nullable(), after: SlotHashesSchema.nullable() }),
  backups: z.array(z.object({ backupId: z.string(), location: z.string() })),
  /** The key repairs of this rescue, in order. */
  keyRepairs: z.array(KeyRepairFactsSchema).optional(),
});
export type RescueReport = z.infer<typeof RescueReportSchema>;

export const reportsMethods = {
  'reports.list': query(
    z.object({ deviceId: DeviceIdSchema.optional() }),
    z.object({ reports: z.array(RescueReportSchema.pick({ reportId: true, deviceId: true, createdAt: true, outcome: true })) }),
    'Rescue reports, newest first.',
  ),
  'reports.get': query(z.object({ reportId: z.string().max(128) }), RescueReportSchema, 'One rescue report.'),
  'reports.export': query(
    z.object({ reportId: z.string().max(128), format: z.enum(['markdown', 'json']) }),
    z.object({ fileName: z.string(), content: z.string() }),
    'A report as Markdown or JSON, for saving.',
  ),
} as const;
