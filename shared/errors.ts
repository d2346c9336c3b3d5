import { z } from 'zod';

/**
 * Every failure that crosses the contract is one of these codes. The code is stable (tests, the CLI's
 * exit status and support tickets rely on it); message and fix are for people.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'FORBIDDEN_SENDER',
  'READ_ONLY_MODE',
  'INTERNAL',
  'CANCELLED',
  'TIMEOUT',
  'NOT_FOUND',
  'USB_UNAVAILABLE',
  'USB_PERMISSION_DENIED',
  'USB_DRIVER_MISSING',
  'DEVICE_NOT_FOUND',
  'DEVICE_GONE',
  'DEVICE_BUSY',
  'DEVICE_PROTECTED',
  'WRONG_MODE',
  'WRONG_PLATFORM',
  'CONTROL_REQUEST_FAILED',
  'CONTROL_NOT_SUPPORTED',
  'DFU_ENTER_FAILED',
  'DFU_STATUS_ERROR',
  'DFU_STALL',
  'DFU_PROTOCOL',
  'DFU_LEAVE_FAILED',
  'REGION_NOT_WRITABLE',
  'REGION_NOT_READABLE',
  'VERIFY_MISMATCH',
  'DCT_UNREADABLE',
  'KEY_INVALID',
  'SERVER_KEY_UNTRUSTED',
  'BACKUP_FAILED',
  'BACKUP_CORRUPT',
  'FIRMWARE_INVALID',
  'BAD_CRC',
  'BAD_SHA',
  'FIRMWARE_TOO_LARGE',
  'DEPENDENCY_UNMET',
  'CLOUD_AUTH_REQUIRED',
  'CLOUD_MFA_REQUIRED',
  'CLOUD_FORBIDDEN',
  'CLOUD_UNREACHABLE',
  'CLOUD_REJECTED',
  'SERIAL_UNAVAILABLE',
  'FILE_ERROR',
  'RESTORE_NOT_SUPPORTED',
  /** Restoring a key the cloud is not known to hold needs the user's decision (force, or upload its public key). */
  'RESTORE_NEEDS_DECISION',
  'CONSENT_REQUIRED',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const RescueErrorDataSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  fix: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RescueErrorData = z.infer<typeof RescueErrorDataSchema>;

/** The one error type services throw. Anything else is mapped to INTERNAL at the boundary. */
export class RescueError extends Error {
  readonly code: ErrorCode;
  readonly fix: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, fix: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'RescueError';
    this.code = code;
    this.fix = fix;
    this.details = details;
  }

  toData(): RescueErrorData {
    return { code: this.code, message: this.message, fix: this.fix, ...(this.details ? { details: this.details } : {}) };
  }

  static is(value: unknown, code?: ErrorCode): value is RescueError {
    return value instanceof RescueError && (code === undefined || value.code === code);
  }
}

/** Turns anything thrown into data that is safe to show: never a stack trace. */
export function toErrorData(error: unknown): RescueErrorData {
  if (error instanceof RescueError) return error.toData();
  const parsed = RescueErrorDataSchema.safeParse(error);
  if (parsed.success) return parsed.data;
  return {
    code: 'INTERNAL',
    message: 'Something unexpected went wrong inside Particle Rescue.',
    fix: 'Try again. If it keeps happening, export the operation log and report it.',
  };
}
