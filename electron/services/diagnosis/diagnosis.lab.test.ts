import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosisSchema, type Diagnosis, type PlanStep, type WizardStepId } from '../../../shared/contract/diagnosis';
import type { VirtualParticleDevice } from '../../lab';
import { photonSystemParts, startDiagnosisRig, type DiagnosisRig } from './testing/diagnosis-rig';

let rig: DiagnosisRig;

beforeEach(async () => {
  rig = await startDiagnosisRig();
});

afterEach(async () => {
  await rig.close();
});

const attach = (scenario: string): Promise<VirtualParticleDevice> => rig.attach(scenario);

function diagnose(device: VirtualParticleDevice): Promise<Diagnosis> {
  return rig.operations.run('diagnose', device.deviceId, (ctx) => rig.diagnosis.run(device.deviceId, { readDct: true }, ctx));
}

const step = (plan: PlanStep[], id: WizardStepId): PlanStep => plan.find((p) => p.step === id)!;
const running = (plan: PlanStep[]): WizardStepId[] => plan.filter((p) => p.action === 'run').map((p) => p.step);

describe('diagnosis in the device lab', () => {
  it('photon-healthy: nothing to do, and the device is left as it was found', async () => {
    const device = await attach('photon-healthy');
    const diagnosis = DiagnosisSchema.parse(await diagnose(device));
    expect(diagnosis.summary).toMatch(/healthy/);
    expect(running(diagnosis.plan)).toEqual(['diagnose']);
    expect((await rig.devices.find(device.deviceId)).usbMode).toBe('normal');
  });

  it('photon-no-wifi: listening mode with the Gen 2 Wi-Fi advice', async () => {
    const device = await attach('photon-no-wifi');
    const diagnosis = await diagnose(device);
    expect(diagnosis.summary).toMatch(/listening mode/);
    expect(step(diagnosis.plan, 'wifi').action).toBe('manual');
    expect(step(diagnosis.plan, 'wifi').reason).toMatch(/particle serial wifi/);
    expect(step(diagnosis.plan, 'repair-keys').action).toBe('skip');
  });

  it('photon-seed: a key the cloud rejects, with key repair planned', async () => {
    const device = await attach('photon-seed');
    const diagnosis = await diagnose(device);
    expect(diagnosis.findings.find((f) => f.source === 'led')?.title).toMatch(/red/);
    expect(diagnosis.summary).toMatch(/key/i);
    expect(running(diagnosis.plan)).toEqual(['diagnose', 'enter-dfu', 'repair-keys', 'verify']);
  });

  it('photon-bad-system: Device OS is reinstalled before the keys', async () => {
    const device = await attach('photon-bad-system');
    const diagnosis = await diagnose(device);
    expect(diagnosis.summary).toMatch(/Device OS .* missing or damaged/);
    expect(diagnosis.findings.find((f) => f.id === 'dct')).toMatchObject({ title: 'Key store not readable' });
    const plan = running(diagnosis.plan);
    expect(plan).toContain('reflash-os');
    expect(plan).toContain('repair-keys');
    expect(plan.indexOf('reflash-os')).toBeLessThan(plan.indexOf('repair-keys'));
  });

  it('photon-old-os: the cloud API stands in for the status the old Device OS cannot report', async () => {
    const device = await attach('photon-old-os');
    const diagnosis = await diagnose(device);
    expect(diagnosis.findings.find((f) => f.id === 'cloud-api')?.title).toBe('The cloud sees the device online');
    expect(diagnosis.summary).toMatch(/healthy/);
    expect(running(diagnosis.plan)).toEqual(['diagnose']);
  });
});

describe('rescue in the device lab', () => {
  it('photon-seed is rescued to breathing cyan and the report tells the story', async () => {
    const device = await attach('photon-seed');
    const diagnosis = await diagnose(device);
    const { reportId } = await rig.operations.run('rescue', device.deviceId, (ctx) =>
      rig.diagnosis.rescue(device.deviceId, running(diagnosis.plan), ctx, { verifyTimeoutMs: 30_000 }),
    );
    expect(device.led().patternId).toBe('breathing-cyan');
    const report = await rig.reports.get(reportId);
    expect(report.outcome).toBe('rescued');
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['Diagnose', 'succeeded'],
      ['Enter DFU mode', 'skipped'],
      ['Repair the cloud keys', 'succeeded'],
      ['Verify the cloud connection', 'succeeded'],
    ]);
    expect(report.slots.before?.privateKeySha256).not.toEqual(report.slots.after?.privateKeySha256);
    expect(report.backups.length).toBeGreaterThan(0);
  });

  it('photon-bad-system gets Device OS back first, then its keys are checked, and it connects', async () => {
    const device = await attach('photon-bad-system');
    const diagnosis = await diagnose(device);
    const os = photonSystemParts();
    const { reportId } = await rig.operations.run('rescue', device.deviceId, (ctx) =>
      rig.diagnosis.rescue(device.deviceId, running(diagnosis.plan), ctx, { firmware: { os }, verifyTimeoutMs: 30_000 }),
    );
    const report = await rig.reports.get(reportId);
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['Diagnose', 'succeeded'],
      ['Reinstall Device OS', 'succeeded'],
      ['Repair the cloud keys', 'succeeded'],
      ['Verify the cloud connection', 'succeeded'],
    ]);
    expect(device.led().patternId).toBe('breathing-cyan');
  });

  it('verify reports the measured cloud status and the virtual LED', async () => {
    const device = await attach('photon-healthy');
    const result = await rig.operations.run('verify', device.deviceId, (ctx) => rig.diagnosis.verify(device.deviceId, { timeoutMs: 10_000 }, ctx));
    expect(result).toMatchObject({ cloudStatus: 'connected', onlineInCloud: true });
    expect(result.led?.patternId).toBe('breathing-cyan');
  });
});
