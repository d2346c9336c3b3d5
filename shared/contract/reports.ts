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

export const RescueReportSchema = z.object({
  reportId: z.string(),
  deviceId: DeviceIdSchema,
  platformName: z.string(),
  virtual: z.boolean(),
  createdAt: z.string(),
  outcome: z.enum(['rescued', 'partly', 'failed', 'nothing-to-do']),
  whatHappened: z.string(),
  findings: z.array(FindingSchema),
  steps: z.array(ReportStepSchema),
  slots: z.object({ before: SlotHashesSchema.nullable(), after: SlotHashesSchema.nullable() }),
  backups: z.array(z.object({ backupId: z.string(), location: z.string() })),
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
