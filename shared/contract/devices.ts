import { z } from 'zod';
import { command, event, query } from './define';
import { DeviceIdSchema, DeviceSummarySchema, OperationRefSchema, UsbStatusSchema } from '../domain';

export const DeviceListSchema = z.object({ devices: z.array(DeviceSummarySchema), usb: UsbStatusSchema });

export const EnterDfuResultSchema = z.object({
  method: z.enum(['already', 'control-request', 'serial-baud', 'buttons']),
  device: DeviceSummarySchema,
});

export const devicesMethods = {
  'devices.list': query(z.object({}), DeviceListSchema, 'Every attached Particle device (hardware and virtual).'),
  'dfu.enter': command(
    z.object({ deviceId: DeviceIdSchema, timeoutMs: z.number().int().min(1000).max(300_000).optional() }),
    OperationRefSchema,
    'Put a device into DFU mode: control request, then the 14400-baud trick, then guided buttons. Result: EnterDfuResult.',
  ),
  'dfu.leave': command(
    z.object({ deviceId: DeviceIdSchema }),
    OperationRefSchema,
    'Leave DFU mode and wait for the device to come back in normal mode. Result: { device }.',
  ),
} as const;

export const UdevRuleInfoSchema = z.object({
  /** `equivalent`: another package's rule (the Particle CLI's) already grants the same access. */
  status: z.enum(['installed', 'equivalent', 'missing', 'different', 'not-linux']),
  /** Offer the one-click install (Linux, rule missing or out of date, and nothing equivalent). */
  offer: z.boolean(),
  title: z.string(),
  message: z.string(),
  rule: z.string(),
  manualFix: z.string(),
});

/** Linux only: the udev rule that lets a normal user open Particle devices. */
export const udevMethods = {
  'devices.udevRule': query(z.object({}), UdevRuleInfoSchema, 'Whether the Particle udev rule is installed, and what it does.'),
  'devices.installUdevRule': command(
    z.object({}),
    z.object({ installed: z.boolean() }),
    'Install the udev rule with pkexec (asks for the administrator password once).',
  ),
} as const;

export const devicesEvents = {
  'devices.changed': event(DeviceListSchema, 'The device list changed (attach, detach, mode change).'),
} as const;
