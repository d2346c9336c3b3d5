import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/contract/diagnosis';
import type { RepairResult } from '../../../shared/contract/keys';
import { RescueReportSchema } from '../../../shared/contract/reports';
import { EventBus } from '../../rpc/event-bus';
import { ReportService } from './report-service';

const DEVICE = '0123456789abcdef01234567';
const OTHER = 'abcdefabcdefabcdefabcdef';
const BEFORE = { privateKeySha256: 'a'.repeat(64), serverKeySha256: 'b'.repeat(64) };
const AFTER = { privateKeySha256: 'c'.repeat(64), serverKeySha256: 'b'.repeat(64) };
const FINDING: Finding = {
  id: 'key-mismatch',
  severity: 'error',
  source: 'cloud',
  title: 'Device key does not match the cloud',
  detail: 'The cloud holds another public key | so the handshake fails.',
};

describe('ReportService', () => {
  let dataDir: string;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reports-'));
    clock = Date.parse('2026-11-25T08:00:00.000Z');
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  function rescue(reports: ReportService): void {
    reports.recordFindings(DEVICE, [FINDING]);
    reports.recordSlots(DEVICE, 'before', BEFORE);
    reports.recordBackup(DEVICE, { backupId: 'bk-0123-1', location: '/data/backups/bk-0123-1' });
    reports.recordStep(DEVICE, { name: 'Write new key', status: 'succeeded', startedAt: '2026-11-25T07:59:00.000Z', durationMs: 1234, message: 'Written and read back.' });
    reports.recordStep(DEVICE, { name: 'Upload public key', status: 'failed', startedAt: '2026-11-25T07:59:02.000Z', durationMs: 50, message: 'Cloud unreachable.' });
    reports.recordStep(DEVICE, { name: 'Upload public key', status: 'succeeded', startedAt: '2026-11-25T07:59:30.000Z', durationMs: 80, message: 'Uploaded.' });
    reports.recordStep(DEVICE, { name: 'Verify the cloud connection', status: 'succeeded', startedAt: '2026-11-25T07:59:40.000Z', durationMs: 900, message: 'Online.' });
    reports.recordSlots(DEVICE, 'after', AFTER);
  }

  it('writes a valid report atomically under <dataDir>/reports with outcome and story', async () => {
    const reports = new ReportService({ dataDir, now });
    rescue(reports);
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
    expect(RescueReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({ deviceId: DEVICE, outcome: 'rescued', slots: { before: BEFORE, after: AFTER }, createdAt: '2026-11-25T08:00:00.000Z' });
    expect(report.whatHappened).toContain('Device key does not match the cloud');
    expect(report.steps).toHaveLength(4);
    const files = await readdir(join(dataDir, 'reports'));
    expect(files).toEqual([`${report.reportId}.json`]);
    expect((await stat(join(dataDir, 'reports', files[0]))).mode & 0o777).toBe(0o600);
    expect(await reports.get(report.reportId)).toEqual(report);
  });

  it('names outcomes: partly, failed, nothing-to-do', async () => {
    const reports = new ReportService({ dataDir, now });
    reports.recordStep(DEVICE, { name: 'A', status: 'succeeded', startedAt: now().toISOString(), durationMs: 1, message: '' });
    reports.recordStep(DEVICE, { name: 'B', status: 'failed', startedAt: now().toISOString(), durationMs: 1, message: 'broke' });
    expect((await reports.finish(DEVICE, { platformName: 'Photon', virtual: false })).outcome).toBe('partly');
    reports.recordStep(DEVICE, { name: 'B', status: 'cancelled', startedAt: now().toISOString(), durationMs: 1, message: '' });
    expect((await reports.finish(DEVICE, { platformName: 'Photon', virtual: false })).outcome).toBe('failed');
    const empty = await reports.finish(DEVICE, { platformName: 'Photon', virtual: false });
    expect(empty.outcome).toBe('nothing-to-do');
    expect(empty.steps).toEqual([]);
  });

  it('lists newest first, per device, and refuses unknown or path-like ids', async () => {
    const reports = new ReportService({ dataDir, now });
    const first = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
    clock += 1000;
    const second = await reports.finish(OTHER, { platformName: 'Argon', virtual: true });
    const sameTime = await reports.finish(OTHER, { platformName: 'Argon', virtual: true });
    expect(sameTime.reportId).toBe(`${second.reportId}-1`);
    expect((await reports.list()).map((r) => r.reportId)).toEqual([sameTime.reportId, second.reportId, first.reportId]);
    expect(await reports.list(DEVICE)).toEqual([{ reportId: first.reportId, deviceId: DEVICE, createdAt: first.createdAt, outcome: 'nothing-to-do' }]);
    await expect(reports.get('../../etc/passwd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(reports.get(`${DEVICE}-20000101T000000000Z`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('exports Markdown that tells what happened, each step, slot fingerprints and backups', async () => {
    const reports = new ReportService({ dataDir, now });
    rescue(reports);
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
    const { fileName, content } = await reports.export(report.reportId, 'markdown');
    expect(fileName).toBe(`rescue-report-${report.reportId}.md`);
    expect(content).toContain(`# Rescue report: Photon ${DEVICE}`);
    expect(content).toContain('Outcome: **Rescued**');
    expect(content).toContain('virtual device');
    expect(content).toContain('## What happened');
    expect(content).toContain('| error | cloud | Device key does not match the cloud | The cloud holds another public key \\| so the handshake fails. |');
    expect(content).toContain('| 1 | Write new key | succeeded | 2026-11-25T07:59:00.000Z | 1.2 s | Written and read back. |');
    expect(content).toContain('| 2 | Upload public key | failed |');
    expect(content).toContain(`| Device private key | \`${'a'.repeat(64)}\` | \`${'c'.repeat(64)}\` |`);
    expect(content).toContain('- `bk-0123-1`: /data/backups/bk-0123-1');
  });

  it('exports JSON that parses back to the same report', async () => {
    const reports = new ReportService({ dataDir, now });
    rescue(reports);
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: false });
    const { fileName, content } = await reports.export(report.reportId, 'json');
    expect(fileName.endsWith('.json')).toBe(true);
    expect(RescueReportSchema.parse(JSON.parse(content))).toEqual(report);
  });

  it('keeps key material out: only hashes for slots, private keys and tokens scrubbed from messages', async () => {
    const reports = new ReportService({ dataDir, now });
    expect(() => reports.recordSlots(DEVICE, 'before', { privateKeySha256: '-----BEGIN PRIVATE KEY-----', serverKeySha256: null })).toThrow(/SHA-256/);
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIICXAIBAAKBgQC\n-----END RSA PRIVATE KEY-----';
    reports.recordStep(DEVICE, { name: 'Oops', status: 'failed', startedAt: now().toISOString(), durationMs: 1, message: `leaked ${pem} with Bearer abcdef0123456789` });
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: false });
    const text = (await readFile(join(dataDir, 'reports', `${report.reportId}.json`), 'utf8')) + (await reports.export(report.reportId, 'markdown')).content;
    expect(text).not.toContain('MIICXAIBAAKBgQC');
    expect(text).not.toContain('abcdef0123456789');
  });

  it('records finished operations from the bus as steps, with findings and slot fingerprints from their results', async () => {
    const bus = new EventBus();
    const reports = new ReportService({ dataDir, now, bus });
    bus.emit('operations.finished', {
      operationId: 'op-diag-0001',
      kind: 'diagnose',
      deviceId: DEVICE,
      status: 'succeeded',
      result: { deviceId: DEVICE, summary: 's', cause: 'c', why: 'w', findings: [FINDING], plan: [] },
      startedAt: '2026-11-25T07:00:00.000Z',
      finishedAt: '2026-11-25T07:00:01.500Z',
    });
    bus.emit('operations.finished', {
      operationId: 'op-repair-0001',
      kind: 'repair-keys',
      deviceId: DEVICE,
      status: 'failed',
      error: { code: 'CLOUD_UNREACHABLE', message: 'The cloud could not be reached.', fix: 'The key is queued.' },
      startedAt: '2026-11-25T07:01:00.000Z',
      finishedAt: '2026-11-25T07:01:03.000Z',
    });
    bus.emit('operations.finished', {
      operationId: 'op-repair-0002',
      kind: 'repair-keys',
      deviceId: DEVICE,
      status: 'succeeded',
      result: {
        deviceId: DEVICE, action: 'generated', keyWritten: true, serverKeyWritten: false, upload: 'done', backupId: 'bk-1',
        before: BEFORE, after: AFTER, dfuSessions: 1, cloudConnected: true, keyFile: null, messages: [],
      },
      startedAt: '2026-11-25T07:02:00.000Z',
      finishedAt: '2026-11-25T07:02:04.000Z',
    });
    bus.emit('operations.finished', {
      operationId: 'op-rescue-0001', kind: 'rescue', deviceId: DEVICE, status: 'succeeded',
      startedAt: '2026-11-25T07:02:00.000Z', finishedAt: '2026-11-25T07:02:05.000Z',
    });
    bus.emit('operations.finished', {
      operationId: 'op-nodev-0001', kind: 'flash', deviceId: null, status: 'succeeded',
      startedAt: '2026-11-25T07:03:00.000Z', finishedAt: '2026-11-25T07:03:01.000Z',
    });
    reports.dispose();
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
    expect(report.steps.map((s) => [s.name, s.status, s.durationMs])).toEqual([
      ['Diagnose', 'succeeded', 1500],
      ['Repair cloud keys', 'failed', 3000],
      ['Repair cloud keys', 'succeeded', 4000],
    ]);
    expect(report.steps[1].message).toBe('The cloud could not be reached. The key is queued.');
    expect(report.findings).toEqual([FINDING]);
    expect(report.slots).toEqual({ before: BEFORE, after: AFTER });
    expect(report.outcome).toBe('rescued');
  });

  it('a one-click repair whose device never came online: "repaired, not yet online", with what it found, backed up, wrote and why', async () => {
    const bus = new EventBus();
    const reports = new ReportService({ dataDir, now, bus });
    const found = {
      deviceId: DEVICE, platformId: 6, protocol: 'tcp', profileId: 'particle', dctReadable: true, protected: false,
      privateKey: { state: 'valid', algorithm: 'rsa-1024', publicKeySha256: BEFORE.privateKeySha256, matchesDevicePublicKey: true },
      serverKey: { state: 'genuine', sha256: BEFORE.serverKeySha256, address: { kind: 'default', host: 'device.spark.io', port: 5683 }, matchesProfile: true },
      cloudConnected: false, healthy: false, verdict: 'bad', summary: '1 key problem found', problems: ['The cloud holds a different public key.'], notes: [],
    };
    const result = {
      deviceId: DEVICE, action: 'generated', keyWritten: true, serverKeyWritten: false, upload: 'done', backupId: 'bk-7',
      before: BEFORE, after: AFTER, dfuSessions: 1, cloudConnected: false, keyFile: '/data/keys/x.der',
      messages: ['The keys were written and verified, but the device is not online yet. The cloud refused its key.'],
      found, backups: [{ backupId: 'bk-7', location: '/data/backups/bk-7' }], offlineReason: 'cloud-refused-key', fellBackToNewKey: false, needsDecision: null,
    };
    bus.emit('operations.finished', {
      operationId: 'op-repair-0003', kind: 'repair-keys', deviceId: DEVICE, status: 'succeeded', result,
      startedAt: '2026-11-25T07:02:00.000Z', finishedAt: '2026-11-25T07:02:04.000Z',
    });
    reports.dispose();
    const report = await reports.finish(DEVICE, { platformName: 'Photon', virtual: true });
    expect(report.outcome).toBe('repaired-not-online');
    expect(report.backups).toEqual([{ backupId: 'bk-7', location: '/data/backups/bk-7' }]);
    expect(report.whatHappened).toContain('The cloud holds a different public key.');
    expect(report.whatHappened).toContain('bk-7 (/data/backups/bk-7)');
    expect(report.whatHappened).toContain(`public key SHA-256 ${AFTER.privateKeySha256!.slice(0, 16)}`);
    expect(report.whatHappened).toContain('Written and read back to verify: the device key.');
    expect(report.whatHappened).toContain('The cloud refused its key.');
    expect(report.whatHappened).not.toMatch(/found no problem|was rescued|No backup/);
    expect(report.keyRepairs?.[0]).toMatchObject({ action: 'generated', cloudConnected: false, offlineReason: 'cloud-refused-key', verified: true });
    const md = (await reports.export(report.reportId, 'markdown')).content;
    expect(md).toContain('Outcome: **Repaired, not yet online**');
    expect(md).toContain('not reached (the cloud refused the device key)');
    expect(md).not.toContain('No backup was made');
    expect(md).not.toContain('/data/keys/x.der');
  });

  it('a repair that wrote nothing: "nothing to do" only when the keys were proven good, else it waits for a decision', async () => {
    const reports = new ReportService({ dataDir, now });
    const base: Omit<RepairResult, 'cloudConnected' | 'messages'> = {
      deviceId: DEVICE, action: 'none-needed', keyWritten: false, serverKeyWritten: false, upload: 'not-needed', backupId: null,
      before: BEFORE, after: BEFORE, dfuSessions: 1, keyFile: null, backups: [],
    };
    const step = { name: 'Repair cloud keys', status: 'succeeded', startedAt: now().toISOString(), durationMs: 1, message: 'Done.' } as const;
    reports.recordStep(DEVICE, step);
    const good = { deviceId: DEVICE, verdict: 'good', problems: [] } as unknown as NonNullable<RepairResult['found']>;
    reports.recordKeyRepair(DEVICE, { ...base, cloudConnected: true, messages: ['Keys are in order.'], needsDecision: null, found: good });
    expect((await reports.finish(DEVICE, { platformName: 'Photon', virtual: false })).outcome).toBe('nothing-to-do');
    reports.recordStep(DEVICE, step);
    reports.recordKeyRepair(DEVICE, { ...base, cloudConnected: null, messages: ['Unknown.', 'Nothing was written.'], needsDecision: 'regenerate-unproven-key' });
    const undecided = await reports.finish(DEVICE, { platformName: 'Photon', virtual: false });
    expect(undecided.outcome).toBe('undecided');
    expect(undecided.whatHappened).toContain('Nothing was written');
    expect(undecided.whatHappened).not.toMatch(/rescued\./);
  });

  it('writes the report by itself when an operation of a finishing kind ends', async () => {
    const bus = new EventBus();
    const reports = new ReportService({
      dataDir,
      now,
      bus,
      finishAfter: { kinds: ['verify'], device: async () => ({ platformName: 'Argon', virtual: true }) },
    });
    const op = (kind: 'enter-dfu' | 'verify', id: string) =>
      bus.emit('operations.finished', {
        operationId: id, kind, deviceId: DEVICE, status: 'succeeded',
        startedAt: '2026-11-25T07:00:00.000Z', finishedAt: '2026-11-25T07:00:01.000Z',
      });
    op('enter-dfu', 'op-auto-0001');
    await reports.settled();
    expect(await reports.list()).toEqual([]);
    op('verify', 'op-auto-0002');
    await reports.settled();
    const [summary] = await reports.list(DEVICE);
    const report = await reports.get(summary.reportId);
    expect(report).toMatchObject({ platformName: 'Argon', virtual: true, outcome: 'rescued' });
    expect(report.steps.map((s) => s.name)).toEqual(['Enter DFU mode', 'Verify the cloud connection']);
    reports.dispose();
  });
});
