import { z } from 'zod';
import { command, query } from './define';
import { Base64Schema, DeviceIdSchema, OperationRefSchema } from '../domain';

export const ModuleFunctionSchema = z.enum([
  'none', 'resource', 'bootloader', 'monoFirmware', 'systemPart', 'userPart', 'settings', 'ncpFirmware', 'radioStack', 'asset', 'unknown',
]);

export const ModuleInfoSchema = z.object({
  fileName: z.string(),
  function: ModuleFunctionSchema,
  index: z.number().int(),
  platformId: z.number().int(),
  version: z.number().int(),
  startAddress: z.number().int(),
  endAddress: z.number().int(),
  size: z.number().int(),
  flags: z.number().int(),
  dependencies: z.array(z.object({ function: ModuleFunctionSchema, index: z.number().int(), version: z.number().int() })),
  crcOk: z.boolean(),
  /** null when the module has no recognisable suffix (very old images), so there is no stored hash to check. */
  sha256Ok: z.boolean().nullable(),
  /** SHA-256 of the module up to its suffix hash field: the firmware id Particle tools show (hex). */
  sha256: z.string(),
  productId: z.number().int().nullable(),
  productVersion: z.number().int().nullable(),
  /** Where the stored CRC matched: 'whole-file' = only over an old padded image, not at the prefix's end address. */
  crcCoverage: z.enum(['module', 'whole-file']).optional(),
});
export type ModuleInfo = z.infer<typeof ModuleInfoSchema>;

/**
 * Size limits for firmware picked by the user. The largest Particle image is a P2 / Photon 2 Device OS
 * bundle of a few MB (the whole part has 8 MB of flash): a bigger file is not firmware for any device
 * here, and refusing it at the contract keeps a stray 40 MB pick from being decoded and held whole.
 */
export const FIRMWARE_FILE_MAX_BYTES = 8 * 1024 * 1024;
/** All files of one call together (firmware.inspect / plan / flash, or one set of a rescue). */
export const FIRMWARE_SET_MAX_BYTES = 16 * 1024 * 1024;

/** Characters of base64 that carry `bytes` bytes (with padding). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Bytes a base64 string decodes to, counted from its length and padding (without decoding it). */
export function base64DecodedBytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

const TOO_BIG = `the file is larger than ${megabytes(FIRMWARE_FILE_MAX_BYTES)}, more than any Particle firmware image; choose the .bin or .zip of a Device OS release or your application`;

export const FirmwareFileSchema = z.object({
  fileName: z.string().min(1).max(255),
  dataBase64: Base64Schema.max(base64Length(FIRMWARE_FILE_MAX_BYTES), TOO_BIG).refine((text) => base64DecodedBytes(text) <= FIRMWARE_FILE_MAX_BYTES, TOO_BIG),
});

/** A set of firmware files: at most `max` files and FIRMWARE_SET_MAX_BYTES together. */
export function firmwareFilesSchema(max: number) {
  return z
    .array(FirmwareFileSchema)
    .max(max)
    .refine((files) => files.reduce((sum, f) => sum + base64DecodedBytes(f.dataBase64), 0) <= FIRMWARE_SET_MAX_BYTES, {
      message: `these files are larger than ${megabytes(FIRMWARE_SET_MAX_BYTES)} together; flash them in smaller sets`,
    });
}

export const FileProblemSchema = z.object({ code: z.string(), message: z.string(), fix: z.string() });

export const InspectResultSchema = z.object({
  files: z.array(z.object({ fileName: z.string(), modules: z.array(ModuleInfoSchema), problems: z.array(FileProblemSchema) })),
});

export const FlashPlanStepSchema = z.object({
  fileName: z.string(),
  /** Plain words, e.g. "system part 2 v2302 → 0x08060000". */
  label: z.string(),
  module: ModuleInfoSchema,
  alt: z.number().int(),
  address: z.number().int(),
  length: z.number().int(),
  route: z.enum(['dfu', 'control-request']),
});

export const FlashPlanSchema = z.object({
  deviceId: DeviceIdSchema,
  platformId: z.number().int(),
  steps: z.array(FlashPlanStepSchema),
  backupFirst: z.array(z.object({ what: z.string(), address: z.number().int(), length: z.number().int() })),
  /** Regions filled with 0xFF before the modules (Gen 3: the legacy user slot when a ≥ 3.1 app is flashed). */
  invalidateFirst: z.array(z.object({ what: z.string(), alt: z.number().int(), address: z.number().int(), length: z.number().int() })),
  /** What the device will run afterwards, in words. */
  outcome: z.string(),
  /** Anything here blocks the flash: nothing is written while a problem remains. */
  problems: z.array(FileProblemSchema),
  /** Worth knowing, not blocking (e.g. the device's own modules could not be read to check dependencies). */
  warnings: z.array(FileProblemSchema),
  /**
   * The device would run afterwards, but the user gives something up (a Device OS downgrade, an app left in
   * safe mode): shown before anything is written; the flash needs explicit consent (allowDowngrade).
   */
  consent: z.array(FileProblemSchema),
});
export type FlashPlan = z.infer<typeof FlashPlanSchema>;

export type FileProblem = z.infer<typeof FileProblemSchema>;
export type FlashPlanStep = z.infer<typeof FlashPlanStepSchema>;
export type InspectResult = z.infer<typeof InspectResultSchema>;

/** One module as the device reports it after flashing (control request 90). */
export const ConfirmedModuleSchema = z.object({
  function: ModuleFunctionSchema,
  index: z.number().int(),
  version: z.number().int(),
  valid: z.boolean(),
});

export const FlashResultSchema = z.object({
  plan: FlashPlanSchema,
  /** Backup of what was on the device before (restore with backups.restore). */
  backupId: z.string().nullable(),
  /** What the device reports after re-enumerating; null when it could not be asked (see confirmation). */
  modules: z.array(ConfirmedModuleSchema).nullable(),
  confirmation: z.enum(['confirmed', 'unconfirmed']),
});
export type FlashResult = z.infer<typeof FlashResultSchema>;

export const RestoreFirmwareResultSchema = z.object({
  backupId: z.string(),
  /** Backup of what the restore overwrote (null when nothing needed one). */
  safetyBackupId: z.string().nullable().optional(),
  restored: z.array(z.object({ name: z.string(), address: z.number().int(), length: z.number().int() })),
});
export type RestoreFirmwareResult = z.infer<typeof RestoreFirmwareResultSchema>;

export const firmwareMethods = {
  'firmware.inspect': query(z.object({ files: firmwareFilesSchema(16).min(1) }), InspectResultSchema, 'Read module headers and check CRC/SHA/size.'),
  'firmware.plan': query(
    z.object({ deviceId: DeviceIdSchema, files: firmwareFilesSchema(16).min(1) }),
    FlashPlanSchema,
    'Order, place and check a set of modules for a device, before anything is written.',
  ),
  'firmware.flash': command(
    z.object({ deviceId: DeviceIdSchema, files: firmwareFilesSchema(16).min(1), allowDowngrade: z.boolean().optional() }),
    OperationRefSchema,
    'Back up, flash with read-back verify, leave DFU and confirm the modules. Result: FlashResult.',
  ),
  'firmware.update': command(
    z.object({
      deviceId: DeviceIdSchema,
      /** A Device OS version such as "2.3.1", or "latest" (default). */
      version: z.string().regex(/^(latest|\d+\.\d+\.\d+(-[A-Za-z0-9.]+)?)$/).optional(),
      /** Offline: the release files or zip the user picked instead of a download. */
      files: z.array(FirmwareFileSchema).min(1).max(16).optional(),
      allowDowngrade: z.boolean().optional(),
    }),
    OperationRefSchema,
    'Install Device OS (like particle update): the release from the cloud (verified, cached) or the files given; plan, consent, flash, whole-device confirm. Result: FlashResult + version + source.',
  ),
} as const;
