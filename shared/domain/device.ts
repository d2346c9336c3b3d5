import { z } from 'zod';
import { DeviceIdSchema } from './common';

export const DeviceModeSchema = z.enum(['normal', 'listening', 'safe', 'dfu', 'unknown']);
export type DeviceMode = z.infer<typeof DeviceModeSchema>;

export const HealthBadgeSchema = z.enum(['unknown', 'healthy', 'attention', 'broken', 'protected']);
export type HealthBadge = z.infer<typeof HealthBadgeSchema>;

export const DeviceSummarySchema = z.object({
  deviceId: DeviceIdSchema,
  platformId: z.number().int(),
  platformName: z.string(),
  mode: DeviceModeSchema,
  usbMode: z.enum(['normal', 'dfu']),
  deviceOsVersion: z.string().nullable(),
  virtual: z.boolean(),
  /** Scenario name for virtual devices (demo/training), null for hardware. */
  scenario: z.string().nullable(),
  health: HealthBadgeSchema,
  busy: z.boolean(),
});
export type DeviceSummary = z.infer<typeof DeviceSummarySchema>;

export const UsbStatusSchema = z.object({
  available: z.boolean(),
  /** Why real hardware cannot be reached (no USB subsystem, no permission…), null when it can. */
  problem: z
    .object({ code: z.string(), message: z.string(), fix: z.string() })
    .nullable(),
});
export type UsbStatus = z.infer<typeof UsbStatusSchema>;
