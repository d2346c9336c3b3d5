import { z } from 'zod';

export const DeviceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'A device ID is 24 lower-case hex digits (e.g. 0123456789abcdef01234567).');
export type DeviceId = z.infer<typeof DeviceIdSchema>;

export const OperationIdSchema = z.string().regex(/^op-[0-9a-z-]{4,64}$/);
export const BackupIdSchema = z.string().regex(/^[0-9a-z][0-9a-z_.-]{3,120}$/);
/** Binary payloads cross the contract as base64 (JSON on both transports). 32 MiB decoded at most. */
export const Base64Schema = z.string().max(44_739_244).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 data');
export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/);
export const IsoTimeSchema = z.string().datetime();
