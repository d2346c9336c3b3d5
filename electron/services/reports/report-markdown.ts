import type { RescueReport } from '../../../shared/contract/reports';

const OUTCOME_LABEL: Record<RescueReport['outcome'], string> = {
  rescued: 'Rescued',
  partly: 'Partly rescued',
  failed: 'Not rescued',
  'nothing-to-do': 'Nothing to do',
};

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
