import { z } from 'zod';
import { event, query } from './define';
import { DeviceIdSchema } from '../domain';

export const LogLevelSchema = z.enum(['trace', 'info', 'warn', 'error', 'panic', 'unknown']);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export const LogLineSchema = z.object({
  seq: z.number().int().nonnegative(),
  deviceId: DeviceIdSchema,
  /** Device-side timestamp in ms since boot, when the line carries one. */
  deviceTimeMs: z.number().int().nonnegative().nullable(),
  receivedAt: z.string(),
  level: LogLevelSchema,
  category: z.string(),
  message: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

export const LogFilterSchema = z.object({
  minLevel: LogLevelSchema.optional(),
  categories: z.array(z.string().max(64)).max(64).optional(),
  text: z.string().max(256).optional(),
});
export type LogFilter = z.infer<typeof LogFilterSchema>;

export const logsMethods = {
  'logs.ports': query(
    z.object({}),
    z.object({ ports: z.array(z.object({ path: z.string(), deviceId: DeviceIdSchema.nullable(), virtual: z.boolean() })) }),
    'USB serial ports of attached devices.',
  ),
  'logs.start': query(z.object({ deviceId: DeviceIdSchema }), z.object({ path: z.string() }), 'Start streaming a device serial log.'),
  'logs.stop': query(z.object({ deviceId: DeviceIdSchema }), z.object({ stopped: z.boolean() }), 'Stop streaming.'),
  'logs.export': query(
    z.object({ deviceId: DeviceIdSchema, filter: LogFilterSchema.optional() }),
    z.object({ fileName: z.string(), content: z.string() }),
    'The buffered log (filtered) as text, for saving to a file.',
  ),
} as const;

export const logsEvents = {
  'logs.lines': event(z.object({ deviceId: DeviceIdSchema, lines: z.array(LogLineSchema) }), 'New serial log lines (batched).'),
} as const;

