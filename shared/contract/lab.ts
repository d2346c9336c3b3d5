import { z } from 'zod';
import { command, query } from './define';
import { DeviceIdSchema, DeviceSummarySchema } from '../domain';
import { LedStateSchema } from '../domain/led';

export const ScenarioInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  platformId: z.number().int(),
});

export const labMethods = {
  'lab.scenarios': query(z.object({}), z.object({ scenarios: z.array(ScenarioInfoSchema) }), 'Virtual-device scenarios for demo and training.'),
  'lab.attach': command(
    z.object({ scenario: z.string().min(1).max(64), timing: z.enum(['realistic', 'fast']).default('realistic') }),
    z.object({ device: DeviceSummarySchema }),
    'Plug in a virtual device (clearly labelled as virtual everywhere).',
  ),
  'lab.detach': command(z.object({ deviceId: DeviceIdSchema }), z.object({ detached: z.boolean() }), 'Unplug a virtual device.'),
  'lab.led': query(z.object({ deviceId: DeviceIdSchema }), LedStateSchema, 'What the virtual device LED shows right now.'),
  'lab.pressButtons': command(
    z.object({ deviceId: DeviceIdSchema, hold: z.enum(['safe', 'dfu', 'listening']) }),
    z.object({ pressed: z.boolean() }),
    'Simulate the MODE/SETUP + RESET sequence on a virtual device (training for the guided button step).',
  ),
} as const;
