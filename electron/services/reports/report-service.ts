import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DeviceIdSchema, type OperationFinished, type OperationKind } from '../../../shared/domain';
import { FindingSchema, type Finding } from '../../../shared/contract/diagnosis';
import { RepairResultSchema, SlotHashesSchema, type RepairResult } from '../../../shared/contract/keys';
import { RescueReportSchema, type KeyRepairFacts, type RescueReport } from '../../../shared/contract/reports';
import { RescueError } from '../../../shared/errors';
import type { EventBus } from '../../rpc/event-bus';
import { readJsonFile, writeJsonAtomic } from '../cloud/atomic-json';
import { scrubSecrets } from '../operations/operation-log';
import { reportMarkdown } from './report-markdown';
import { outcomeOf, VERIFY_STEP_NAME, whatHappened, type ReportStep } from './report-story';

export type SlotHashes = z.infer<typeof SlotHashesSchema>;
export type ReportSummary = Pick<RescueReport, 'reportId' | 'deviceId' | 'createdAt' | 'outcome'>;
export type { ReportStep };

export interface ReportServiceDeps {
  dataDir: string;
  /** When given, every finished operation of a device becomes a step of its report (see `fromOperation`). */
  bus?: EventBus;
  /**
   * With the bus: write the report when an operation of one of these kinds ends (e.g. 'verify' or
   * 'rescue'), so a rescue is reported even when no caller runs `finish`. `device` names the platform.
   */
  finishAfter?: {
    kinds: OperationKind[];
    device(deviceId: string): Promise<{ platformName: string; virtual: boolean } | null>;
  };
  now?: () => Date;
}

interface RescueSession {
  findings: Finding[];
  steps: ReportStep[];
  slots: { before: SlotHashes | null; after: SlotHashes | null };
  backups: { backupId: string; location: string }[];
  keyRepairs: KeyRepairFacts[];
}

/** Only the parts of diagnosis and repair results a report needs, so other fields may change freely. */
const FindingsResultSchema = z.object({ findings: z.array(FindingSchema) });
const SlotsResultSchema = z.object({ before: SlotHashesSchema, after: SlotHashesSchema });

const REPORT_ID = /^[0-9a-f]{24}-[0-9]{8}T[0-9]{9}Z(-[0-9]+)?$/;

const STEP_NAMES: Record<OperationFinished['kind'], string> = {
  'enter-dfu': 'Enter DFU mode',
  'leave-dfu': 'Leave DFU mode',
  diagnose: 'Diagnose',
  'health-check': 'Key health check',
  backup: 'Back up the DCT',
  restore: 'Restore a backup',
  'repair-keys': 'Repair cloud keys',
  flash: 'Flash firmware',
  verify: VERIFY_STEP_NAME,
  rescue: 'Rescue',
};

/**
 * Collects what happens to a device during a rescue (findings, steps, slot fingerprints, backups) and
 * writes it as a report under `<dataDir>/reports/` when the rescue finishes.
 */
export class ReportService {
  private readonly dir: string;
  private readonly now: () => Date;
  private readonly sessions = new Map<string, RescueSession>();
  private readonly unsubscribe: (() => void) | null;
  private readonly finishAfter: ReportServiceDeps['finishAfter'];
  private autoFinishing: Promise<unknown> = Promise.resolve();

  constructor(deps: ReportServiceDeps) {
    this.dir = join(deps.dataDir, 'reports');
    this.now = deps.now ?? (() => new Date());
    this.finishAfter = deps.finishAfter;
    this.unsubscribe =
      deps.bus?.subscribe((event, payload) => {
        if (event === 'operations.finished') this.fromOperation(payload as OperationFinished);
      }) ?? null;
  }

  /** Resolves when reports written automatically after operations are on disk (tests, shutdown). */
  settled(): Promise<void> {
    return this.autoFinishing.then(() => undefined);
  }

  dispose(): void {
    this.unsubscribe?.();
  }

  recordFindings(deviceId: string, findings: Finding[]): void {
    this.session(deviceId).findings = findings.map((f) => ({ ...f, detail: scrubSecrets(f.detail) }));
  }

  recordStep(deviceId: string, step: ReportStep): void {
    this.session(deviceId).steps.push({ ...step, durationMs: Math.max(0, step.durationMs), message: scrubSecrets(step.message) });
  }

  /** Only SHA-256 fingerprints are accepted: a report never holds key material. */
  recordSlots(deviceId: string, when: 'before' | 'after', hashes: SlotHashes): void {
    const parsed = SlotHashesSchema.safeParse(hashes);
    if (!parsed.success) {
      throw new RescueError('INVALID_INPUT', 'Slot fingerprints must be SHA-256 hex digests.', 'Pass the hashes of the key slots, never their content.');
    }
    this.session(deviceId).slots[when] = parsed.data;
  }

  recordBackup(deviceId: string, backup: { backupId: string; location: string }): void {
    const backups = this.session(deviceId).backups;
    if (!backups.some((b) => b.backupId === backup.backupId)) backups.push({ backupId: backup.backupId, location: backup.location });
  }

  /** The measured facts of a key repair: what it found, backed up, generated, wrote, uploaded, and whether the cloud confirmed. */
  recordKeyRepair(deviceId: string, result: RepairResult): void {
    const session = this.session(deviceId);
    for (const backup of result.backups ?? (result.backupId ? [{ backupId: result.backupId, location: 'the app’s backup folder' }] : [])) {
      this.recordBackup(deviceId, backup);
    }
    session.keyRepairs.push(repairFacts(result));
  }

  /** Writes the report of the device's rescue so far and starts a fresh session for it. */
  async finish(deviceId: string, device: { platformName: string; virtual: boolean }): Promise<RescueReport> {
    const session = this.session(deviceId);
    const created = this.now();
    const outcome = outcomeOf(session.findings, session.steps, session.keyRepairs);
    let reportId = `${deviceId}-${compactTime(created)}`;
    for (let n = 1; await this.exists(reportId); n++) reportId = `${deviceId}-${compactTime(created)}-${n}`;
    const report = RescueReportSchema.parse({
      reportId,
      deviceId,
      platformName: device.platformName,
      virtual: device.virtual,
      createdAt: created.toISOString(),
      outcome,
      whatHappened: whatHappened(session.findings, session.steps, outcome, session.keyRepairs, session.backups),
      ...session,
    });
    await writeJsonAtomic(join(this.dir, `${reportId}.json`), report);
    this.sessions.delete(deviceId);
    return report;
  }

  /** Saved reports, newest first; unreadable files are skipped. */
  async list(deviceId?: string): Promise<ReportSummary[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const ids = files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((id) => REPORT_ID.test(id));
    const reports = await Promise.all(ids.map((id) => this.get(id).catch(() => null)));
    return reports
      .filter((r): r is RescueReport => r !== null && (deviceId === undefined || r.deviceId === deviceId))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.reportId.localeCompare(a.reportId))
      .map(({ reportId, deviceId: id, createdAt, outcome }) => ({ reportId, deviceId: id, createdAt, outcome }));
  }

  async get(reportId: string): Promise<RescueReport> {
    const report = REPORT_ID.test(reportId) ? await readJsonFile(join(this.dir, `${reportId}.json`), RescueReportSchema) : null;
    if (!report) throw new RescueError('NOT_FOUND', `There is no rescue report "${reportId}".`, 'Pick one of the reports listed for the device.');
    return report;
  }

  async export(reportId: string, format: 'markdown' | 'json'): Promise<{ fileName: string; content: string }> {
    const report = await this.get(reportId);
    const base = `rescue-report-${report.reportId}`;
    if (format === 'json') return { fileName: `${base}.json`, content: `${JSON.stringify(report, null, 2)}\n` };
    return { fileName: `${base}.md`, content: reportMarkdown(report) };
  }

  /**
   * Every operation run on its own (from a screen or the CLI) is a step; diagnosis findings and repair
   * slot fingerprints in its result are recorded too. A 'rescue' operation is skipped: the rescue
   * runner records its own steps and finishes the report before the operation ends.
   */
  private fromOperation(finished: OperationFinished): void {
    if (!finished.deviceId || finished.kind === 'rescue') return;
    const durationMs = Date.parse(finished.finishedAt) - Date.parse(finished.startedAt);
    const message =
      finished.status === 'succeeded' ? 'Done.' : finished.status === 'cancelled' ? 'Cancelled.' : finished.error ? `${finished.error.message} ${finished.error.fix}` : 'Failed.';
    this.recordStep(finished.deviceId, {
      name: STEP_NAMES[finished.kind],
      status: finished.status,
      startedAt: finished.startedAt,
      durationMs: Number.isFinite(durationMs) ? durationMs : 0,
      message,
    });
    const diagnosis = FindingsResultSchema.safeParse(finished.result);
    if (diagnosis.success) this.recordFindings(finished.deviceId, diagnosis.data.findings);
    const keyRepair = RepairResultSchema.safeParse(finished.result);
    if (keyRepair.success) this.recordKeyRepair(finished.deviceId, keyRepair.data);
    const repair = SlotsResultSchema.safeParse(finished.result);
    if (repair.success) {
      const slots = this.session(finished.deviceId).slots;
      slots.before ??= repair.data.before;
      slots.after = repair.data.after;
    }
    if (this.finishAfter?.kinds.includes(finished.kind)) this.autoFinish(finished.deviceId);
  }

  private autoFinish(deviceId: string): void {
    const finishAfter = this.finishAfter;
    if (!finishAfter) return;
    // Chained so two quick finishes never race for the same report id; a failure only loses this report.
    this.autoFinishing = this.autoFinishing
      .then(async () => {
        const device = (await finishAfter.device(deviceId)) ?? { platformName: 'Unknown platform', virtual: false };
        await this.finish(deviceId, device);
      })
      .catch(() => undefined);
  }

  private session(deviceId: string): RescueSession {
    let session = this.sessions.get(deviceId);
    if (!session) {
      if (!DeviceIdSchema.safeParse(deviceId).success) {
        throw new RescueError('INVALID_INPUT', `"${deviceId}" is not a device ID.`, 'A device ID is 24 lower-case hex digits.');
      }
      session = { findings: [], steps: [], slots: { before: null, after: null }, backups: [], keyRepairs: [] };
      this.sessions.set(deviceId, session);
    }
    return session;
  }

  private async exists(reportId: string): Promise<boolean> {
    return this.get(reportId).then(
      () => true,
      () => false,
    );
  }
}

function repairFacts(r: RepairResult): KeyRepairFacts {
  const wrote = r.keyWritten || r.serverKeyWritten;
  const keys: KeyRepairFacts['keys'] =
    r.action === 'none-needed' || !r.after.privateKeySha256 ? [] : [{ origin: r.action, publicKeySha256: r.after.privateKeySha256 }];
  return {
    action: r.action,
    problemsFound: r.found?.problems ?? [],
    verdictBefore: r.found?.verdict ?? null,
    keys,
    deviceKeyWritten: r.keyWritten,
    serverKeyWritten: r.serverKeyWritten,
    // A repair result exists only after every write was read back and compared (VERIFY_MISMATCH otherwise).
    verified: wrote,
    upload: r.upload,
    cloudConnected: r.cloudConnected,
    offlineReason: r.offlineReason ?? null,
    fellBackToNewKey: r.fellBackToNewKey === true,
    needsDecision: (r.needsDecision ?? null) !== null,
    messages: r.messages.map(scrubSecrets),
  };
}

/** 2026-11-25T08:47:01.123Z → 20261125T084701123Z: sortable and safe in a file name. */
function compactTime(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}
