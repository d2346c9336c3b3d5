import type { z } from 'zod';
import type { Finding } from '../../../shared/contract/diagnosis';
import type { KeyRepairFacts, ReportStepSchema, RescueReport } from '../../../shared/contract/reports';

export type ReportStep = z.infer<typeof ReportStepSchema>;
type Outcome = RescueReport['outcome'];

/** The step that measures the cloud connection (rescue runner and operation reports name it alike). */
export const VERIFY_STEP_NAME = 'Verify the cloud connection';

/** A step retried later counts by its last attempt: a failed upload that went through on retry is done. */
function lastAttempts(steps: ReportStep[]): ReportStep[] {
  const last = new Map<string, ReportStep>();
  for (const step of steps) last.set(step.name, step);
  return [...last.values()];
}

/**
 * The outcome from measured facts: "rescued" only when the cloud confirmed the connection (a verify
 * step that succeeded, or a key repair that saw the device online); steps that succeeded without that
 * proof give "repaired, not yet online".
 */
export function outcomeOf(findings: Finding[], steps: ReportStep[], repairs: KeyRepairFacts[] = []): Outcome {
  const final = lastAttempts(steps);
  const succeeded = final.filter((s) => s.status === 'succeeded').length;
  const unfinished = final.filter((s) => s.status === 'failed' || s.status === 'cancelled').length;
  if (unfinished > 0) return succeeded > 0 ? 'partly' : 'failed';
  const last = repairs.at(-1);
  const verified = final.some((s) => s.name === VERIFY_STEP_NAME && s.status === 'succeeded');
  const confirmed = verified || last?.cloudConnected === true;
  const wrote = repairs.some((r) => r.deviceKeyWritten || r.serverKeyWritten);
  if (last?.needsDecision && !wrote) return 'undecided';
  if (last?.action === 'none-needed' && !wrote && last.verdictBefore === 'good') return 'nothing-to-do';
  if (confirmed && (succeeded > 0 || wrote)) return 'rescued';
  if (wrote) return 'repaired-not-online';
  if (last?.action === 'none-needed') return 'undecided';
  if (succeeded > 0) return 'repaired-not-online';
  return 'nothing-to-do';
}

const OUTCOME_SENTENCE: Record<Outcome, string> = {
  rescued: 'The cloud confirmed the connection: the device was rescued.',
  partly: 'Some steps succeeded but not all: the device is not fully rescued yet.',
  failed: 'The rescue did not succeed.',
  'nothing-to-do': 'Nothing needed to be done.',
  'repaired-not-online': 'The repair was written and verified, but the cloud has not confirmed the connection: the device is not rescued yet.',
  undecided: 'Nothing was written: the repair needs your decision before it replaces a key that may still be valid.',
};

const short = (hash: string): string => `${hash.slice(0, 16)}…`;

/** The key repair in sentences: what was found, backed up, generated, written and verified, uploaded. */
export function keyRepairSentences(r: KeyRepairFacts, backups: { backupId: string; location: string }[]): string[] {
  const out: string[] = [];
  const written = [r.deviceKeyWritten ? 'the device key' : null, r.serverKeyWritten ? 'the server key' : null].filter((w) => w !== null);
  if (backups.length > 0) out.push(`Backed up first: ${backups.map((b) => `${b.backupId} (${b.location})`).join(', ')}.`);
  for (const key of r.keys) {
    const what = { generated: 'A new device key was generated', 'restored-from-backup': 'A saved device key was restored', 'kept-key': 'The device key was kept' }[key.origin];
    out.push(`${what} (public key SHA-256 ${short(key.publicKeySha256)}).`);
  }
  if (written.length > 0) out.push(`Written and read back to verify: ${written.join(' and ')}.`);
  else out.push('Nothing was written to the device.');
  if (r.upload === 'done') out.push('The public key was uploaded to the cloud.');
  if (r.upload === 'queued') out.push('The public key upload is queued until the cloud can be reached.');
  if (r.fellBackToNewKey) out.push('The restored key was refused by the cloud, so a new key was generated and uploaded instead.');
  return out;
}

/** "What happened and why" in a few plain sentences, for the top of the report. Never two that contradict. */
export function whatHappened(findings: Finding[], steps: ReportStep[], outcome: Outcome, repairs: KeyRepairFacts[] = [], backups: { backupId: string; location: string }[] = []): string {
  const problems = findings.filter((f) => f.severity === 'error' || f.severity === 'warn').map((f) => f.title);
  // A one-click repair records no diagnosis: what its own health check found is the evidence then.
  const repairProblems = repairs.flatMap((r) => r.problemsFound);
  const unknown = repairs.some((r) => r.verdictBefore === 'unknown');
  let found: string;
  if (problems.length > 0) found = `The checks found ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}.`;
  else if (repairProblems.length > 0) found = `The key check found ${repairProblems.length} problem${repairProblems.length === 1 ? '' : 's'}: ${repairProblems.join(' ')}`;
  else if (unknown) found = 'The key slots looked intact, but whether the cloud accepted the key could not be checked at first.';
  else if (findings.length === 0 && repairs.length === 0) found = '';
  else found = 'The checks found no problem.';
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
  const repairStory = repairs.flatMap((r, i) => keyRepairSentences(r, i === 0 ? backups : []));
  const last = repairs.at(-1);
  const why = outcome === 'repaired-not-online' || outcome === 'undecided' ? (last?.messages.at(-1) ?? '') : '';
  return [found, ran, ...repairStory, failures, OUTCOME_SENTENCE[outcome], why].filter((part) => part.length > 0).join(' ');
}
