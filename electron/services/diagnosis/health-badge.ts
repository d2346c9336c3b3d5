import { z } from 'zod';
import { DiagnosisSchema, VerifyResultSchema } from '../../../shared/contract/diagnosis';
import type { HealthBadge, OperationFinished } from '../../../shared/domain';

/** Only the fields a badge needs, so the result schemas may grow freely. */
const KeyHealthPart = z.object({ healthy: z.boolean(), protected: z.boolean() });
const RepairPart = z.object({ cloudConnected: z.boolean().nullable(), keyWritten: z.boolean() });

/** A diagnosis: protected, healthy when nothing needs doing, broken when something must be written. */
function fromDiagnosis(result: z.infer<typeof DiagnosisSchema>): HealthBadge {
  if (result.findings.some((f) => f.id === 'protected')) return 'protected';
  const todo = result.plan.filter((s) => s.step !== 'diagnose' && s.step !== 'verify' && s.action !== 'skip');
  if (todo.length === 0) return 'healthy';
  return todo.some((s) => s.action === 'run') ? 'broken' : 'attention';
}

/**
 * The device card's health badge after an operation that measured something about the device
 * (diagnosis, key check, key repair, verify, rescue); null when the operation says nothing new.
 */
export function healthAfter(finished: OperationFinished): HealthBadge | null {
  if (finished.status === 'cancelled') return null;
  if (finished.status === 'failed') {
    if (finished.error?.code === 'DEVICE_PROTECTED') return 'protected';
    // A failed repair or rescue leaves a device that still needs attention; a failed read says nothing.
    return finished.kind === 'repair-keys' || finished.kind === 'rescue' || finished.kind === 'flash' ? 'attention' : null;
  }
  switch (finished.kind) {
    case 'diagnose': {
      const parsed = DiagnosisSchema.safeParse(finished.result);
      return parsed.success ? fromDiagnosis(parsed.data) : null;
    }
    case 'health-check': {
      const parsed = KeyHealthPart.safeParse(finished.result);
      if (!parsed.success) return null;
      return parsed.data.protected ? 'protected' : parsed.data.healthy ? 'healthy' : 'broken';
    }
    case 'repair-keys': {
      const parsed = RepairPart.safeParse(finished.result);
      if (!parsed.success) return null;
      // Only a measured cloud connection proves the repair; otherwise verify decides.
      return parsed.data.cloudConnected === true ? 'healthy' : 'attention';
    }
    case 'verify': {
      const parsed = VerifyResultSchema.safeParse(finished.result);
      if (!parsed.success) return null;
      return parsed.data.cloudStatus === 'connected' || parsed.data.onlineInCloud === true ? 'healthy' : 'attention';
    }
    case 'rescue':
      // The steps ran; whether the device is back is for verify to measure.
      return 'attention';
    default:
      return null;
  }
}
