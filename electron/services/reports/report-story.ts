import type { z } from 'zod';
import type { Finding } from '../../../shared/contract/diagnosis';
import type { ReportStepSchema, RescueReport } from '../../../shared/contract/reports';

export type ReportStep = z.infer<typeof ReportStepSchema>;
type Outcome = RescueReport['outcome'];

/** A step retried later counts by its last attempt: a failed upload that went through on retry is done. */
function lastAttempts(steps: ReportStep[]): ReportStep[] {
  const last = new Map<string, ReportStep>();
  for (const step of steps) last.set(step.name, step);
  return [...last.values()];
}

export function outcomeOf(findings: Finding[], steps: ReportStep[]): Outcome {
  const final = lastAttempts(steps);
  const succeeded = final.filter((s) => s.status === 'succeeded').length;
  const unfinished = final.filter((s) => s.status === 'failed' || s.status === 'cancelled').length;
  if (unfinished > 0) return succeeded > 0 ? 'partly' : 'failed';
  if (succeeded > 0) return 'rescued';
  return 'nothing-to-do';
}

const OUTCOME_SENTENCE: Record<Outcome, string> = {
  rescued: 'Every step succeeded: the device was rescued.',
  partly: 'Some steps succeeded but not all: the device is not fully rescued yet.',
  failed: 'The rescue did not succeed.',
  'nothing-to-do': 'Nothing needed to be done.',
};

/** "What happened and why" in a few plain sentences, for the top of the report. */
export function whatHappened(findings: Finding[], steps: ReportStep[], outcome: Outcome): string {
  const problems = findings.filter((f) => f.severity === 'error' || f.severity === 'warn');
  const found =
    problems.length === 0
      ? 'The checks found no problem.'
      : `The checks found ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((f) => f.title).join('; ')}.`;
  const final = lastAttempts(steps);
  const counts = (['succeeded', 'failed', 'cancelled', 'skipped'] as const)
    .map((status) => [status, final.filter((s) => s.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  const ran = final.length === 0 ? 'No repair step ran.' : `${final.length} step${final.length === 1 ? '' : 's'}: ${counts.join(', ')}.`;
  const failures = final
    .filter((s) => s.status === 'failed')
    .map((s) => `${s.name} failed: ${s.message}`)
    .join(' ');
  return [found, ran, failures, OUTCOME_SENTENCE[outcome]].filter((part) => part.length > 0).join(' ');
}
