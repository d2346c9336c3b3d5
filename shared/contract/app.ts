import { z } from 'zod';
import { event, query } from './define';
import { OperationFinishedSchema, OperationLogEntrySchema, ProgressSchema, OperationIdSchema } from '../domain';

export const AppInfoSchema = z.object({
  name: z.literal('Particle Rescue'),
  version: z.string(),
  transport: z.enum(['electron', 'browser']),
  /** Rescue-station option: diagnose and read, never write. */
  readOnly: z.boolean(),
  station: z.boolean(),
  os: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const EXTERNAL_URL_ALLOW_LIST = ['https://docs.particle.io/', 'https://console.particle.io/'] as const;

export const appMethods = {
  'app.info': query(z.object({}), AppInfoSchema, 'Version, transport and mode of the running app.'),
  'app.openExternal': query(
    z.object({ url: z.string().url().max(2048) }),
    z.object({ opened: z.boolean() }),
    'Open a Particle documentation or console page in the system browser (allow-listed hosts only).',
  ),
  // Stopping changes no device or file, so a read-only station may cancel its own long waits too.
  'operations.cancel': query(
    z.object({ operationId: OperationIdSchema }),
    z.object({ cancelled: z.boolean() }),
    'Ask a running operation to stop at its next safe point.',
  ),
  'operations.get': query(
    z.object({ operationId: OperationIdSchema }),
    z.object({ running: z.boolean(), finished: OperationFinishedSchema.nullable(), lastProgress: ProgressSchema.nullable() }),
    'State of an operation (for a renderer that reconnects mid-operation).',
  ),
  'operations.log': query(
    z.object({ limit: z.number().int().min(1).max(10_000).default(500) }),
    z.object({ entries: z.array(OperationLogEntrySchema) }),
    'The most recent entries of the app operation log.',
  ),
} as const;

export const appEvents = {
  'operations.progress': event(ProgressSchema, 'Progress of a long operation (phase, bytes done/total).'),
  'operations.finished': event(OperationFinishedSchema, 'A long operation ended: result or error.'),
  'operations.log': event(z.object({ entries: z.array(OperationLogEntrySchema) }), 'New operation-log entries.'),
} as const;
