import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosisSchema, type Diagnosis, type PlanStep, type WizardStepId } from '../../../shared/contract/diagnosis';
import type { VirtualParticleDevice } from '../../lab';
import { labPlatform } from '../../lab/platforms/lab-platforms';
import { RELEASES, releaseModules } from '../../lab/scenarios/firmware-sets';
import { FirmwareService } from '../firmware/firmware-service';
import { startLabRig, type LabRig } from '../keys/testing/lab-rig';
import { ReportService } from '../reports/report-service';
import { DiagnosisService } from './diagnosis-service';

let rig: LabRig;
let reports: ReportService;
let service: DiagnosisService;

beforeEach(async () => {
  rig = await startLabRig();
  reports = new ReportService({ dataDir: rig.dataDir });
  const firmware = new FirmwareService({ dfu: rig.dfu, devices: rig.devices, backups: rig.backups, opLog: rig.opLog });
  service = new DiagnosisService({
    devices: rig.devices,
    dfu: rig.dfu,
    keys: rig.keys,
    cloud: rig.cloudService,
    firmware,
    reports,
    lab: rig.lab,
    opLog: rig.opLog,
  });
});

afterEach(async () => {
  reports.dispose();
  await rig.close();
});

/** Attach and wait until the device has settled: online, showing a cloud error, or in a mode of its own. */
async function attach(scenario: string): Promise<VirtualParticleDevice> {
  const device = await rig.lab.attach(scenario, { timing: 'fast' });
  const settled = (): boolean => device.cloudOnline || device.led().patternId.includes('burst') || !['normal'].includes(device.mode);
  for (let i = 0; i < 500 && !settled(); i++) await new Promise((r) => setTimeout(r, 10));
  return device;
}

function diagnose(device: VirtualParticleDevice): Promise<Diagnosis> {
  return rig.operations.run('diagnose', device.deviceId, (ctx) => service.run(device.deviceId, { readDct: true }, ctx));
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
    expect(diagnosis.findings.map((f) => f.id)).toContain('dct-garbage');
    const plan = running(diagnosis.plan);
    expect(plan).toContain('reflash-os');
    expect(plan).toContain('repair-keys');
    expect(plan.indexOf('reflash-os')).toBeLessThan(plan.indexOf('repair-keys'));
  });
});

describe('rescue in the device lab', () => {
  it('photon-seed is rescued to breathing cyan and the report tells the story', async () => {
    const device = await attach('photon-seed');
    const diagnosis = await diagnose(device);
    const { reportId } = await rig.operations.run('rescue', device.deviceId, (ctx) =>
      service.rescue(device.deviceId, running(diagnosis.plan), ctx, { verifyTimeoutMs: 30_000 }),
    );
    expect(device.led().patternId).toBe('breathing-cyan');
    const report = await reports.get(reportId);
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
    const modules = releaseModules(labPlatform(6), RELEASES['2.3.1'], 7);
    const at = (address: number) => modules.find((m) => m.address === address)!.image;
    const os = [
      { fileName: 'system-part1.bin', data: at(0x08020000) },
      { fileName: 'system-part2.bin', data: at(0x08060000) },
    ];
    const { reportId } = await rig.operations.run('rescue', device.deviceId, (ctx) =>
      service.rescue(device.deviceId, running(diagnosis.plan), ctx, { firmware: { os }, verifyTimeoutMs: 30_000 }),
    );
    const report = await reports.get(reportId);
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
    const result = await rig.operations.run('verify', device.deviceId, (ctx) => service.verify(device.deviceId, { timeoutMs: 10_000 }, ctx));
    expect(result).toMatchObject({ cloudStatus: 'connected', onlineInCloud: true });
    expect(result.led?.patternId).toBe('breathing-cyan');
  });
});
