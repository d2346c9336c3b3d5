import { z } from 'zod';
import { command, query } from './define';
import { DeviceIdSchema, OperationRefSchema } from '../domain';
import { LedStateSchema } from '../domain/led';
import { firmwareFilesSchema } from './firmware';

export const FindingSchema = z.object({
  id: z.string(),
  severity: z.enum(['ok', 'info', 'warn', 'error']),
  source: z.enum(['led', 'usb', 'control', 'dct', 'modules', 'cloud']),
  title: z.string(),
  detail: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const WizardStepIdSchema = z.enum(['diagnose', 'enter-dfu', 'reflash-os', 'repair-keys', 'reflash-user', 'wifi', 'verify']);
export type WizardStepId = z.infer<typeof WizardStepIdSchema>;

export const PlanStepSchema = z.object({
  step: WizardStepIdSchema,
  action: z.enum(['run', 'skip', 'manual']),
  title: z.string(),
  reason: z.string(),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

export const DiagnosisSchema = z.object({
  deviceId: DeviceIdSchema.nullable(),
  /** What is wrong, in plain words. */
  summary: z.string(),
  cause: z.string(),
  why: z.string(),
  findings: z.array(FindingSchema),
  plan: z.array(PlanStepSchema),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;

export const VerifyResultSchema = z.object({
  deviceId: DeviceIdSchema,
  cloudStatus: z.enum(['connected', 'connecting', 'disconnected', 'unknown']),
  onlineInCloud: z.boolean().nullable(),
  led: LedStateSchema.nullable(),
  message: z.string(),
  /** Why the wait ended: connected, the time ran out, or a state that no amount of waiting fixes. */
  endedBy: z.enum(['connected', 'timeout', 'listening', 'key-rejected']).optional(),
  /** What to do when not connected. */
  fix: z.string().optional(),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

/**
 * What one step of a rescue really did: `skipped` needed nothing (already done, or another step does
 * it), `needs-you` is left to the user with advice in `message`, `not-run` came after a stop.
 */
export const RescueStepOutcomeSchema = z.object({
  step: WizardStepIdSchema,
  status: z.enum(['succeeded', 'skipped', 'needs-you', 'failed', 'cancelled', 'not-run']),
  message: z.string(),
  /** For a failed step: what the user can do. */
  fix: z.string().optional(),
  code: z.string().optional(),
});
export type RescueStepOutcome = z.infer<typeof RescueStepOutcomeSchema>;

export const RescueResultSchema = z.object({ reportId: z.string(), steps: z.array(RescueStepOutcomeSchema).optional() });
export type RescueResult = z.infer<typeof RescueResultSchema>;

export const diagnosisMethods = {
  'diagnosis.run': query(
    z.object({ deviceId: DeviceIdSchema, ledPatternId: z.string().max(64).optional(), readDct: z.boolean().default(true) }),
    OperationRefSchema,
    'Read-only diagnosis: mode, cloud status, modules, key and server-key health. Result: Diagnosis.',
  ),
  'diagnosis.verify': query(
    z.object({ deviceId: DeviceIdSchema, timeoutMs: z.number().int().min(1000).max(600_000).default(60_000) }),
    OperationRefSchema,
    'Wait for the device to reach the cloud (control request 300 + cloud API). Result: VerifyResult.',
  ),
  'rescue.start': command(
    z.object({
      deviceId: DeviceIdSchema,
      steps: z.array(WizardStepIdSchema).min(1),
      productId: z.number().int().positive().optional(),
      /** Files for the reflash steps; a reflash step without files is left to the user with advice. */
      firmware: z
        .object({ os: firmwareFilesSchema(16).optional(), user: firmwareFilesSchema(4).optional() })
        .optional(),
    }),
    OperationRefSchema,
    'Run the planned wizard steps in order, each recorded in a rescue report. Result: { reportId }.',
  ),
} as const;
