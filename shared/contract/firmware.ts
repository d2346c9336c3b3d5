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
  sha256Ok: z.boolean().nullable(),
  sha256: z.string(),
  productId: z.number().int().nullable(),
  productVersion: z.number().int().nullable(),
});
export type ModuleInfo = z.infer<typeof ModuleInfoSchema>;

export const FirmwareFileSchema = z.object({
  fileName: z.string().min(1).max(255),
  dataBase64: Base64Schema,
});

export const FileProblemSchema = z.object({ code: z.string(), message: z.string(), fix: z.string() });

export const InspectResultSchema = z.object({
  files: z.array(z.object({ fileName: z.string(), modules: z.array(ModuleInfoSchema), problems: z.array(FileProblemSchema) })),
});

export const FlashPlanStepSchema = z.object({
  fileName: z.string(),
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
  /** What the device will run afterwards, in words. */
  outcome: z.string(),
  problems: z.array(FileProblemSchema),
});
export type FlashPlan = z.infer<typeof FlashPlanSchema>;

export const firmwareMethods = {
  'firmware.inspect': query(z.object({ files: z.array(FirmwareFileSchema).min(1).max(16) }), InspectResultSchema, 'Read module headers and check CRC/SHA/size.'),
  'firmware.plan': query(
    z.object({ deviceId: DeviceIdSchema, files: z.array(FirmwareFileSchema).min(1).max(16) }),
    FlashPlanSchema,
    'Order, place and check a set of modules for a device, before anything is written.',
  ),
  'firmware.flash': command(
    z.object({ deviceId: DeviceIdSchema, files: z.array(FirmwareFileSchema).min(1).max(16) }),
    OperationRefSchema,
    'Back up, flash with read-back verify, leave DFU and confirm the modules. Result: { plan, backupId, modules }.',
  ),
} as const;
