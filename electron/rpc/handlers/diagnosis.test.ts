import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosisSchema, diagnosisMethods, RescueResultSchema, VerifyResultSchema } from '../../../shared/contract/diagnosis';
import { photonSystemParts, startDiagnosisRig, type DiagnosisRig } from '../../services/diagnosis/testing/diagnosis-rig';
import { diagnosisHandlers } from './diagnosis';

const ctx = { transport: 'test' as const };
let rig: DiagnosisRig;

beforeEach(async () => {
  rig = await startDiagnosisRig();
});
afterEach(async () => {
  await rig.close();
});

async function result(ref: { operationId: string }): Promise<unknown> {
  const finished = await rig.operations.wait(ref.operationId);
  expect(finished.error).toBeUndefined();
  return finished.result;
}

describe('diagnosisHandlers', () => {
  it('diagnosis.run and diagnosis.verify start operations whose results satisfy the contract', async () => {
    const device = await rig.attach('photon-healthy');
    const handlers = diagnosisHandlers({ diagnosis: rig.diagnosis, operations: rig.operations });
    const input = diagnosisMethods['diagnosis.run'].input.parse({ deviceId: device.deviceId });
    const ref = await handlers['diagnosis.run'](input, ctx);
    expect(ref).toMatchObject({ kind: 'diagnose', deviceId: device.deviceId });
    expect(DiagnosisSchema.parse(await result(ref)).summary).toMatch(/healthy/);
    const verify = await handlers['diagnosis.verify'](diagnosisMethods['diagnosis.verify'].input.parse({ deviceId: device.deviceId, timeoutMs: 5000 }), ctx);
    expect(VerifyResultSchema.parse(await result(verify)).cloudStatus).toBe('connected');
  });

  it('rescue.start decodes the firmware files it is given and returns the report id', async () => {
    const device = await rig.attach('photon-bad-system');
    const handlers = diagnosisHandlers({ diagnosis: rig.diagnosis, operations: rig.operations });
    const os = photonSystemParts().map((f) => ({ fileName: f.fileName, dataBase64: Buffer.from(f.data).toString('base64') }));
    const input = diagnosisMethods['rescue.start'].input.parse({ deviceId: device.deviceId, steps: ['reflash-os', 'verify'], firmware: { os } });
    const ref = await handlers['rescue.start'](input, ctx);
    const { reportId } = RescueResultSchema.parse(await result(ref));
    const report = await rig.reports.get(reportId);
    expect(report.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(device.led().patternId).toBe('breathing-cyan');
  });
});
