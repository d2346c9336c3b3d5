import { z } from 'zod';

/** How Device OS renders a status signal (../shared/reference/led-status.md §1). */
export const LedPatternSchema = z.enum(['solid', 'blink', 'breathe', 'off', 'sos', 'rainbow']);

export const LedBurstSchema = z.object({
  color: z.string().regex(/^#[0-9a-f]{6}$/),
  count: z.number().int().min(1).max(20),
});

/** What the LED does right now (virtual devices report it; the picker shows it as a swatch). */
export const LedStateSchema = z.object({
  /** Id of the catalogue entry (e.g. 'breathing-cyan', 'cyan-red-burst', 'blinking-blue'). */
  patternId: z.string(),
  color: z.string().regex(/^#[0-9a-f]{6}$/),
  pattern: LedPatternSchema,
  periodMs: z.number().int().nonnegative(),
  /** Error bursts shown between cloud connection attempts. */
  burst: LedBurstSchema.nullable(),
  /** SOS panic code, when pattern = 'sos'. */
  sosCode: z.number().int().min(1).max(20).nullable(),
  description: z.string(),
});
export type LedState = z.infer<typeof LedStateSchema>;
