import type { z } from 'zod';
import type { ScenarioInfoSchema } from '../../shared/contract/lab';

export type ScenarioInfo = z.infer<typeof ScenarioInfoSchema>;
