import { describe, expect, it } from 'vitest';
import { DiagnosisSchema, VerifyResultSchema, type PlanStep, type WizardStepId } from '../../../shared/contract/diagnosis';
import type { KeyHealth, RepairResult } from '../../../shared/contract/keys';
import type { RescueReport } from '../../../shared/contract/reports';
import { RescueError } from '../../../shared/errors';
import type { DeviceModuleInfo } from '../control/module-info';
import { OperationLog } from '../operations/operation-log';
import { OperationRunner } from '../operations/operation-runner';
import type { AttachedDevice } from '../usb/attached-device';
import type { UsbDeviceLike } from '../usb/webusb';
import { DiagnosisService } from './diagnosis-service';
import type { DiagnosisControl, ReportStepRecord } from './ports';

const ID = '0123456789abcdef01234567';

function module(fn: DeviceModuleInfo['function'], index: number, valid = true): DeviceModuleInfo {
  return { function: fn, index, version: 1000, size: 1000, failedChecks: valid ? 0 : 0x02, valid, store: 'main', dependencies: [] };
}
const PHOTON_MODULES = [module('bootloader', 0), module('systemPart', 1), module('systemPart', 2), module('userPart', 1)];

function health(healthy: boolean, overrides: Partial<KeyHealth> = {}): KeyHealth {
  return {
    deviceId: ID, platformId: 6, protocol: 'tcp', profileId: 'particle', dctReadable: true, protected: false,
    privateKey: { state: 'valid', algorithm: 'rsa-1024', publicKeySha256: 'a'.repeat(64), matchesDevicePublicKey: healthy },
    serverKey: { state: 'genuine', sha256: 'b'.repeat(64), address: { kind: 'default', host: 'device.spark.io', port: 5683 }, matchesProfile: true },
    cloudConnected: null, healthy, summary: '', problems: healthy ? [] : ['The device key does not match its public key.'], notes: [],
    ...overrides,
  };
}

const HASHES = { privateKeySha256: 'c'.repeat(64), serverKeySha256: 'd'.repeat(64) };

interface Setup {
  mode?: 'normal' | 'listening';
  cloud?: ('connected' | 'connecting' | 'disconnected')[];
  modules?: DeviceModuleInfo[];
  keyHealth?: KeyHealth | RescueError;
  led?: string;
  usbMode?: 'normal' | 'dfu';
  loggedIn?: boolean;
  repair?: RepairResult | RescueError;
  /** The device is off the bus for this many polls (re-enumerating after a reset). */
  goneForPolls?: number;
  moduleInfoError?: RescueError;
}

function setup(s: Setup = {}) {
  const device: AttachedDevice = { deviceId: ID, platformId: 6, usbMode: s.usbMode ?? 'normal', usb: {} as UsbDeviceLike, virtual: true, scenario: 'test' };
  const calls: string[] = [];
  const cloudSeq = [...(s.cloud ?? ['connected'])];
  const control: DiagnosisControl = {
    deviceMode: async () => s.mode ?? 'normal',
    systemVersion: async () => '2.3.1',
    cloudStatus: async () => (cloudSeq.length > 1 ? cloudSeq.shift()! : cloudSeq[0]),
    moduleInfo: async () => {
      if (s.moduleInfoError) throw s.moduleInfoError;
      return s.modules ?? PHOTON_MODULES;
    },
  };
  const steps: ReportStepRecord[] = [];
  const findings: string[] = [];
  let clock = 0;
  let gone = s.goneForPolls ?? 0;
  const opLog = new OperationLog(null);
  const service = new DiagnosisService({
    devices: {
      find: (id) => {
        if (id !== ID || gone > 0) throw new RescueError('DEVICE_NOT_FOUND', 'not connected', 'plug it in');
        return device;
      },
    },
    dfu: {
      enterDfu: async () => { calls.push('enterDfu'); device.usbMode = 'dfu'; },
      leave: async () => { calls.push('leave'); device.usbMode = 'normal'; },
    },
    keys: {
      healthCheck: async () => {
        calls.push('healthCheck');
        device.usbMode = 'dfu';
        const h = s.keyHealth ?? health(true);
        if (h instanceof RescueError) throw h;
        return h;
      },
      repair: async () => {
        calls.push('repair');
        if (s.repair instanceof RescueError) throw s.repair;
        return s.repair ?? { deviceId: ID, action: 'generated', keyWritten: true, serverKeyWritten: false, upload: 'done', backupId: 'bk-0001', before: HASHES, after: HASHES, dfuSessions: 1, cloudConnected: true, keyFile: '/data/keys/k.der', messages: [] };
      },
    },
    cloud: { session: async () => ({ loggedIn: s.loggedIn ?? false }), deviceStatus: async () => ({ online: true, connected: true }) },
    firmware: { flash: async (_id, files) => void calls.push(`flash:${files.map((f) => f.fileName).join(',')}`) },
    reports: {
      recordFindings: (_id, list) => {
        calls.push('findings');
        findings.push(...list.map((f) => f.id));
      },
      recordStep: (_id, step) => steps.push(step),
      recordSlots: (_id, when) => calls.push(`slots:${when}`),
      recordBackup: (_id, b) => calls.push(`backup:${b.backupId}`),
      finish: (id): RescueReport => ({
        reportId: 'rpt-1', deviceId: id, platformName: 'Photon', virtual: true, createdAt: '', outcome: 'rescued', whatHappened: '', findings: [], steps: [], slots: { before: null, after: null }, backups: [],
      }),
    },
    lab: { get: () => ({ led: () => ({ patternId: s.led ?? 'breathing-cyan', color: '#00ffff', pattern: 'breathe', periodMs: 4000, burst: null, sosCode: null, description: '' }) }) },
    opLog,
    controlFor: () => control,
    sleep: async () => { clock += 500; gone = Math.max(0, gone - 1); },
    now: () => clock,
  });
  const runner = new OperationRunner(null, opLog);
  return { service, runner, device, calls, steps, findings, opLog };
}

const step = (plan: PlanStep[], id: WizardStepId) => plan.find((p) => p.step === id)!;

describe('DiagnosisService.run', () => {
  it('finds a healthy device healthy and leaves it in normal mode as found', async () => {
    const { service, runner, device, calls } = setup();
    const diagnosis = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    expect(DiagnosisSchema.parse(diagnosis)).toBeTruthy();
    expect(diagnosis.summary).toMatch(/healthy/);
    expect(diagnosis.plan.filter((p) => p.step !== 'diagnose').every((p) => p.action === 'skip')).toBe(true);
    expect(diagnosis.findings.map((f) => f.title)).toContain('Device OS 2.3.1');
    expect(calls).toEqual(['healthCheck', 'leave']);
    expect(device.usbMode).toBe('normal');
  });

  it('takes the virtual LED when the user gave none, and the user’s LED otherwise', async () => {
    const { service, runner } = setup({ led: 'cyan-red-burst', cloud: ['connecting'], keyHealth: health(false) });
    const diagnosis = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    expect(diagnosis.findings[0]).toMatchObject({ source: 'led', title: 'LED: Cyan with rapid red flashes' });
    expect(step(diagnosis.plan, 'repair-keys').action).toBe('run');
    const picked = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: false, ledPatternId: 'blinking-blue' }, ctx));
    expect(picked.findings[0].title).toBe('LED: Blinking dark blue');
  });

  it('diagnoses listening mode with Wi-Fi advice', async () => {
    const { service, runner } = setup({ mode: 'listening', cloud: ['disconnected'], led: 'blinking-blue' });
    const diagnosis = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    expect(diagnosis.summary).toMatch(/listening mode/);
    expect(step(diagnosis.plan, 'wifi')).toMatchObject({ action: 'manual' });
    expect(step(diagnosis.plan, 'wifi').reason).toMatch(/particle serial wifi/);
  });

  it('puts Device OS before the keys when a system part is broken and the key store unreadable', async () => {
    const modules = [module('bootloader', 0), module('systemPart', 1), module('systemPart', 2, false), module('userPart', 1)];
    const { service, runner } = setup({ modules, cloud: ['disconnected'], keyHealth: health(false, { dctReadable: false }) });
    const diagnosis = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    const ids = diagnosis.plan.map((p) => p.step);
    expect(step(diagnosis.plan, 'reflash-os').action).toBe('run');
    expect(step(diagnosis.plan, 'repair-keys').action).toBe('run');
    expect(ids.indexOf('reflash-os')).toBeLessThan(ids.indexOf('repair-keys'));
  });

  it('reports Device Protection when the health check is refused', async () => {
    const { service, runner } = setup({ cloud: ['connecting'], led: 'cyan-red-burst', keyHealth: new RescueError('DEVICE_PROTECTED', 'protected', 'unlock') });
    const diagnosis = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    expect(step(diagnosis.plan, 'repair-keys').action).toBe('manual');
    expect(step(diagnosis.plan, 'repair-keys').reason).toMatch(/Device Protection/);
  });

  it('turns a request the firmware lacks into a finding, but lets cancellation through', async () => {
    const lacking = setup({ moduleInfoError: new RescueError('CONTROL_NOT_SUPPORTED', 'This Device OS does not answer request 90.', 'Update Device OS.') });
    const diagnosis = await lacking.runner.run('diagnose', ID, (ctx) => lacking.service.run(ID, { readDct: false }, ctx));
    expect(diagnosis.findings.find((f) => f.id === 'control-module-list')).toMatchObject({ severity: 'info', detail: 'This Device OS does not answer request 90.' });
    expect(step(diagnosis.plan, 'reflash-os').reason).toMatch(/could not be checked/);
    const cancelled = setup({ moduleInfoError: new RescueError('CANCELLED', 'The operation was cancelled.', 'Start it again.') });
    await expect(cancelled.runner.run('diagnose', ID, (ctx) => cancelled.service.run(ID, { readDct: false }, ctx))).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('stays in DFU mode when it found the device there, and explains a missing device', async () => {
    const { service, runner, calls, device } = setup({ usbMode: 'dfu', keyHealth: health(false), led: 'blinking-yellow' });
    const diagnosis = await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    expect(calls).toEqual(['healthCheck']);
    expect(device.usbMode).toBe('dfu');
    expect(step(diagnosis.plan, 'enter-dfu').action).toBe('skip');
    await expect(runner.run('diagnose', null, (ctx) => service.run('ffffffffffffffffffffffff', { readDct: false }, ctx))).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' });
  });
});

describe('DiagnosisService.verify', () => {
  it('polls until the device reports connected and asks the cloud when logged in', async () => {
    const { service, runner } = setup({ cloud: ['connecting', 'connecting', 'connected'], loggedIn: true });
    const result = await runner.run('verify', ID, (ctx) => service.verify(ID, { timeoutMs: 60_000 }, ctx));
    expect(VerifyResultSchema.parse(result)).toMatchObject({ cloudStatus: 'connected', onlineInCloud: true });
    expect(result.led?.patternId).toBe('breathing-cyan');
  });

  it('keeps waiting while the device re-enumerates after a reset', async () => {
    const { service, runner } = setup({ goneForPolls: 3, cloud: ['connected'] });
    const result = await runner.run('verify', ID, (ctx) => service.verify(ID, { timeoutMs: 60_000 }, ctx));
    expect(result.cloudStatus).toBe('connected');
  });

  it('gives up at the timeout with advice', async () => {
    const { service, runner } = setup({ cloud: ['connecting'] });
    const result = await runner.run('verify', ID, (ctx) => service.verify(ID, { timeoutMs: 5000 }, ctx));
    expect(result.cloudStatus).toBe('connecting');
    expect(result.onlineInCloud).toBeNull();
    expect(result.message).toMatch(/Still connecting after 5 s/);
  });
});

describe('DiagnosisService.verify stops waiting when waiting cannot help', () => {
  it('a device in listening mode: says so at once, with what to do', async () => {
    const { service, runner } = setup({ mode: 'listening', cloud: ['disconnected'] });
    const progress: string[] = [];
    const ref = runner.start('verify', ID, (ctx) => {
      const report = ctx.progress;
      ctx.progress = (p) => {
        progress.push(p.message ?? '');
        report(p);
      };
      return service.verify(ID, { timeoutMs: 90_000 }, ctx);
    });
    const result = VerifyResultSchema.parse((await runner.wait(ref.operationId)).result);
    expect(result.endedBy).toBe('listening');
    expect(result.message).toMatch(/listening mode/);
    expect(result.fix).toMatch(/credentials/);
    expect(progress.length).toBeLessThan(5);
    expect(progress[0]).toMatch(/listening mode/);
  });

  it('a device whose key the cloud rejects (cyan with red flashes)', async () => {
    const { service, runner } = setup({ led: 'cyan-red-burst', cloud: ['connecting'] });
    const result = await runner.run('verify', ID, (ctx) => service.verify(ID, { timeoutMs: 90_000 }, ctx));
    expect(result.endedBy).toBe('key-rejected');
    expect(result.fix).toMatch(/repair the keys/);
  });

  it('a device that is only slow keeps being waited for, up to the timeout', async () => {
    const { service, runner } = setup({ cloud: ['connecting', 'connecting', 'connecting', 'connected'] });
    const result = await runner.run('verify', ID, (ctx) => service.verify(ID, { timeoutMs: 90_000 }, ctx));
    expect(result.endedBy).toBe('connected');
  });
});

describe('DiagnosisService.rescue', () => {
  it('runs the planned steps in order and records each in the report', async () => {
    const { service, runner, calls, steps } = setup({ cloud: ['connected'] });
    const result = await runner.run('rescue', ID, (ctx) => service.rescue(ID, ['diagnose', 'enter-dfu', 'repair-keys', 'reflash-user', 'verify'], ctx));
    expect(result.reportId).toBe('rpt-1');
    expect(result.steps?.map((o) => [o.step, o.status])).toEqual([
      ['diagnose', 'succeeded'],
      ['enter-dfu', 'skipped'],
      ['repair-keys', 'succeeded'],
      ['reflash-user', 'needs-you'],
      ['verify', 'succeeded'],
    ]);
    expect(calls).toEqual(['findings', 'repair', 'slots:before', 'slots:after', 'backup:bk-0001']);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['Diagnose', 'succeeded'],
      ['Enter DFU mode', 'skipped'],
      ['Repair the cloud keys', 'succeeded'],
      ['Reinstall the application', 'skipped'],
      ['Verify the cloud connection', 'succeeded'],
    ]);
    expect(steps[3].message).toMatch(/^Needs you: .*particle flash --usb tinker/);
  });

  it('enters DFU mode itself only when no later step does, and leaves it before verifying', async () => {
    const { service, runner, calls, steps } = setup();
    await runner.run('rescue', ID, (ctx) => service.rescue(ID, ['enter-dfu', 'verify'], ctx));
    expect(calls).toEqual(['enterDfu', 'leave']);
    expect(steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('reuses the diagnosis the plan came from, once', async () => {
    const { service, runner, calls, findings } = setup({ cloud: ['connecting'], keyHealth: health(false) });
    await runner.run('diagnose', ID, (ctx) => service.run(ID, { readDct: true }, ctx));
    await runner.run('rescue', ID, (ctx) => service.rescue(ID, ['diagnose'], ctx));
    expect(calls).toEqual(['healthCheck', 'leave', 'findings']);
    expect(findings).toContain('private-key');
    findings.length = 0;
    await runner.run('rescue', ID, (ctx) => service.rescue(ID, ['diagnose'], ctx));
    expect(findings).not.toContain('private-key');
  });

  it('flashes the files given for a reflash step', async () => {
    const { service, runner, calls } = setup();
    await runner.run('rescue', ID, (ctx) => service.rescue(ID, ['reflash-os'], ctx, { firmware: { os: [{ fileName: 'system-part1.bin', data: new Uint8Array(4) }] } }));
    expect(calls).toEqual(['flash:system-part1.bin']);
  });

  it('without files and without a cloud to fetch from, the Device OS step names the exact files it needs', async () => {
    const { service, runner, steps } = setup();
    await runner.run('rescue', ID, (ctx) => service.rescue(ID, ['reflash-os'], ctx));
    expect(steps[0].status).toBe('skipped');
    expect(steps[0].message).toMatch(/choose the system-part1 and system-part2 of one Device OS release for the Photon \(platform 6\), or that release's \.zip/);
  });

  it('stops at a failed step: the report names it, the rest is not run, and the operation fails with the step’s error and fix', async () => {
    const { service, runner, steps } = setup({ repair: new RescueError('DEVICE_PROTECTED', 'This device is protected.', 'Unlock it first.') });
    const ref = runner.start('rescue', ID, (ctx) => service.rescue(ID, ['diagnose', 'repair-keys', 'verify'], ctx));
    const finished = await runner.wait(ref.operationId);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatchObject({ code: 'DEVICE_PROTECTED', fix: 'Unlock it first.' });
    expect(finished.error?.message).toMatch(/Repair the cloud keys.*failed: This device is protected\./);
    expect(finished.error?.details).toMatchObject({
      reportId: 'rpt-1',
      failedStep: 'repair-keys',
      steps: [
        { step: 'diagnose', status: 'succeeded' },
        { step: 'repair-keys', status: 'failed', message: 'This device is protected.', fix: 'Unlock it first.', code: 'DEVICE_PROTECTED' },
        { step: 'verify', status: 'not-run' },
      ],
    });
    expect(steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(steps[1].message).toBe('This device is protected. Unlock it first.');
    expect(steps[2].message).toMatch(/Not run/);
  });

  it('never logs the rescue as succeeded over a failed verify step', async () => {
    const { service, runner, opLog } = setup({ cloud: ['connecting'] });
    const ref = runner.start('rescue', ID, (ctx) => service.rescue(ID, ['verify'], ctx, { verifyTimeoutMs: 2000 }));
    const finished = await runner.wait(ref.operationId);
    expect(finished.status).toBe('failed');
    expect(finished.error?.details).toMatchObject({ steps: [{ step: 'verify', status: 'failed' }] });
    expect(finished.error?.message).toMatch(/Still connecting/);
    const lines = opLog.recent(100).map((e) => e.message);
    expect(lines).toContain('rescue failed');
    expect(lines.some((l) => /rescue succeeded/.test(l))).toBe(false);
  });

  it('finishes the report and reports cancellation when cancelled', async () => {
    const { service, runner, steps } = setup();
    const ref = runner.start('rescue', ID, async (ctx) => {
      runner.cancel(ctx.operationId);
      return service.rescue(ID, ['diagnose', 'verify'], ctx);
    });
    const finished = await runner.wait(ref.operationId);
    expect(finished.status).toBe('cancelled');
    expect(finished.error?.details).toMatchObject({ reportId: 'rpt-1', steps: [{ step: 'diagnose', status: 'cancelled' }, { step: 'verify', status: 'cancelled' }] });
    expect(steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
  });
});
