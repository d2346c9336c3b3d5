import type { KeyRepairFacts, RescueReport } from '../../../shared/contract/reports';

const OUTCOME_LABEL: Record<RescueReport['outcome'], string> = {
  rescued: 'Rescued',
  partly: 'Partly rescued',
  failed: 'Not rescued',
  'nothing-to-do': 'Nothing to do',
  'repaired-not-online': 'Repaired, not yet online',
  undecided: 'Not repaired: needs your decision',
};

const OFFLINE_REASON: Record<NonNullable<KeyRepairFacts['offlineReason']>, string> = {
  'cloud-refused-key': 'the cloud refused the device key',
  'cloud-unreachable': 'the cloud server could not be reached',
  'no-network': 'the device did not get onto its network',
  unknown: 'the device gave no reason over USB',
};

function keyRepairLines(r: KeyRepairFacts, n: number): string[] {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const lines = [
    `### Key repair ${n}: ${r.action}`,
    '',
    `- Verdict before the repair: ${r.verdictBefore ?? 'not recorded'}`,
    ...(r.problemsFound.length ? r.problemsFound.map((p) => `- Problem found: ${cell(p)}`) : ['- Problems found by the key check: none']),
    ...r.keys.map((k) => `- Key ${k.origin}: public key SHA-256 \`${k.publicKeySha256}\``),
    `- Device key written: ${yes(r.deviceKeyWritten)}; server key written: ${yes(r.serverKeyWritten)}; read back and verified: ${yes(r.verified)}`,
    `- Public key upload: ${r.upload}`,
    `- Cloud connection: ${r.cloudConnected === true ? 'confirmed' : r.cloudConnected === false ? `not reached${r.offlineReason ? ` (${OFFLINE_REASON[r.offlineReason]})` : ''}` : 'not confirmed'}`,
  ];
  if (r.fellBackToNewKey) lines.push('- The restored key was refused by the cloud; a new key was generated and uploaded instead.');
  for (const m of r.messages) lines.push(`- ${cell(m)}`);
  lines.push('');
  return lines;
}

/** Table cells: no line breaks, no column separators. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const hash = (value: string | null | undefined): string => (value ? `\`${value}\`` : '—');

/** The report as Markdown: what happened and why, each step, slot fingerprints, where the backups are. */
export function reportMarkdown(report: RescueReport): string {
  const lines: string[] = [
    `# Rescue report: ${report.platformName} ${report.deviceId}`,
    '',
    `- Outcome: **${OUTCOME_LABEL[report.outcome]}**`,
    `- Date: ${report.createdAt}`,
    `- Device: ${report.platformName}, ID ${report.deviceId}${report.virtual ? ' (virtual device from the lab, not real hardware)' : ''}`,
    `- Report ID: ${report.reportId}`,
    '',
    '## What happened',
    '',
    report.whatHappened,
    '',
    '## Findings',
    '',
  ];
  if (report.findings.length === 0) lines.push('No findings were recorded.');
  else {
    lines.push('| Severity | Source | Finding | Detail |', '|---|---|---|---|');
    for (const f of report.findings) lines.push(`| ${f.severity} | ${f.source} | ${cell(f.title)} | ${cell(f.detail)} |`);
  }
  lines.push('', '## Steps', '');
  if (report.steps.length === 0) lines.push('No steps were recorded.');
  else {
    lines.push('| # | Step | Result | Started | Time | Message |', '|---|---|---|---|---|---|');
    report.steps.forEach((s, i) =>
      lines.push(`| ${i + 1} | ${cell(s.name)} | ${s.status} | ${s.startedAt} | ${duration(s.durationMs)} | ${cell(s.message)} |`),
    );
  }
  if (report.keyRepairs?.length) {
    lines.push('', '## Key repair', '');
    report.keyRepairs.forEach((r, i) => lines.push(...keyRepairLines(r, i + 1)));
  }
  const { before, after } = report.slots;
  lines.push(
    '',
    '## Key slots',
    '',
    'SHA-256 fingerprints of the DCT key slots before and after the rescue. Key material is never part of a report.',
    '',
    '| Slot | Before | After |',
    '|---|---|---|',
    `| Device private key | ${hash(before?.privateKeySha256)} | ${hash(after?.privateKeySha256)} |`,
    `| Server public key | ${hash(before?.serverKeySha256)} | ${hash(after?.serverKeySha256)} |`,
    '',
    '## Backups',
    '',
  );
  if (report.backups.length === 0) lines.push('No backup was made.');
  else for (const b of report.backups) lines.push(`- \`${b.backupId}\`: ${b.location}`);
  lines.push('');
  return lines.join('\n');
}
