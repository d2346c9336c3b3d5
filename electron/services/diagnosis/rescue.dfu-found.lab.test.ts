import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanStep, WizardStepId } from '../../../shared/contract/diagnosis';
import { startDiagnosisRig, type DiagnosisRig } from './testing/diagnosis-rig';

/** Issue 17: the device is blinking yellow when the app sees it; the user picked the LED they saw before. */
let rig: DiagnosisRig;

beforeEach(async () => {
  rig = await startDiagnosisRig();
});
afterEach(async () => {
  await rig.close();
});

const running = (plan: PlanStep[]): WizardStepId[] => plan.filter((p) => p.action === 'run').map((p) => p.step);

describe('rescue of a device found in DFU mode', () => {
  for (const scenario of ['photon-seed', 'electron-seed', 'argon-seed']) {
    it(`${scenario}: without the LED the keys are "unknown"; with "cyan with red bursts" the rescue repairs them`, async () => {
      const device = await rig.attach(scenario);
      await rig.operations.run('enter-dfu', device.deviceId, (ctx) => rig.dfu.enterDfu(device.deviceId, ctx));

      const blind = await rig.operations.run('diagnose', device.deviceId, (ctx) => rig.diagnosis.run(device.deviceId, { readDct: true }, ctx));
      expect(blind.findings.find((f) => f.id === 'keys')).toMatchObject({ severity: 'warn', title: 'Cloud acceptance of the key unknown' });
      expect(blind.plan.find((p) => p.step === 'repair-keys')).toMatchObject({ action: 'run' });
      expect(blind.plan.find((p) => p.step === 'repair-keys')?.reason).toMatch(/watch its cloud link first/);

      const told = await rig.operations.run('diagnose', device.deviceId, (ctx) =>
        rig.diagnosis.run(device.deviceId, { ledPatternId: 'cyan-red-burst', readDct: true }, ctx),
      );
      expect(running(told.plan)).toContain('repair-keys');
      const { reportId } = await rig.operations.run('rescue', device.deviceId, (ctx) =>
        rig.diagnosis.rescue(device.deviceId, running(told.plan), ctx, { verifyTimeoutMs: 30_000 }),
      );
      const report = await rig.reports.get(reportId);
      expect(report.steps.find((s) => s.name === 'Repair the cloud keys')).toMatchObject({ status: 'succeeded' });
      expect(report.steps.find((s) => s.name === 'Repair the cloud keys')?.message).toMatch(/new device key was written/);
      expect(report.outcome).toBe('rescued');
      expect(device.cloudOnline).toBe(true);
      expect(device.led().patternId).toBe('breathing-cyan');
      // The backup is listed with where it is, not the new key's path.
      expect(report.backups).toHaveLength(1);
      expect(report.backups[0].location).not.toMatch(/\.der$/);
      expect((await rig.backups.verify(report.backups[0].backupId)).ok).toBe(true);
    });
  }
});
