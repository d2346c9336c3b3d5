import { z } from 'zod';
import { RescueErrorDataSchema } from '../errors';
import { DeviceIdSchema, OperationIdSchema } from './common';

export const OperationKindSchema = z.enum([
  'enter-dfu',
  'leave-dfu',
  'diagnose',
  'health-check',
  'backup',
  'restore',
  'repair-keys',
  'flash',
  'verify',
  'rescue',
]);
export type OperationKind = z.infer<typeof OperationKindSchema>;

export const OperationRefSchema = z.object({
  operationId: OperationIdSchema,
  kind: OperationKindSchema,
  deviceId: DeviceIdSchema.nullable(),
});
export type OperationRef = z.infer<typeof OperationRefSchema>;

export const ProgressSchema = z.object({
  operationId: OperationIdSchema,
  deviceId: DeviceIdSchema.nullable(),
  /** Machine-readable phase, e.g. 'erase', 'download', 'verify', 'upload-key'. */
  phase: z.string(),
  message: z.string(),
  bytesDone: z.number().int().nonnegative().optional(),
  bytesTotal: z.number().int().nonnegative().optional(),
  /** Wizard step this progress belongs to, when the operation is a multi-step rescue. */
  step: z.string().optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

export const OperationStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export const OperationFinishedSchema = z.object({
  operationId: OperationIdSchema,
  kind: OperationKindSchema,
  deviceId: DeviceIdSchema.nullable(),
  status: OperationStatusSchema.exclude(['running']),
  /** Operation-specific result (validated by the method that started it: see each domain's result schema). */
  result: z.unknown().optional(),
  error: RescueErrorDataSchema.optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type OperationFinished = z.infer<typeof OperationFinishedSchema>;

/** One line of the app's own operation log: every USB/DFU/cloud step with its timing. */
export const OperationLogEntrySchema = z.object({
  at: z.string(),
  operationId: OperationIdSchema.nullable(),
  deviceId: DeviceIdSchema.nullable(),
  area: z.enum(['usb', 'control', 'dfu', 'keys', 'firmware', 'backup', 'cloud', 'serial', 'app', 'lab']),
  level: z.enum(['trace', 'info', 'warn', 'error']),
  message: z.string(),
  durationMs: z.number().nonnegative().optional(),
});
export type OperationLogEntry = z.infer<typeof OperationLogEntrySchema>;
