import { describe, expect, it } from 'vitest';
import type { OperationFinished } from '../../../shared/domain';
import { healthAfter } from './health-badge';

const ID = '0123456789abcdef01234567';
const at = '2026-01-01T00:00:00.000Z';
function done(kind: OperationFinished['kind'], result: unknown): OperationFinished {
  return { operationId: 'op-1', kind, deviceId: ID, status: 'succeeded', result, startedAt: at, finishedAt: at };
}
const plan = (actions: Record<string, 'run' | 'skip' | 'manual'>) =>
  Object.entries(actions).map(([step, action]) => ({ step, action, title: step, reason: '' }));
const diagnosis = (actions: Record<string, 'run' | 'skip' | 'manual'>, findings: { id: string; severity: string }[] = []) => ({
  deviceId: ID,
  summary: '',
  cause: '',
  why: '',
  findings: findings.map((f) => ({ ...f, source: 'dct', title: '', detail: '' })),
  plan: plan(actions),
});

describe('health badge after an operation', () => {
  it('a diagnosis: healthy with nothing to do, broken with a repair to run, attention with only manual steps', () => {
    expect(healthAfter(done('diagnose', diagnosis({ diagnose: 'run', 'repair-keys': 'skip', verify: 'skip' })))).toBe('healthy');
    expect(healthAfter(done('diagnose', diagnosis({ diagnose: 'run', 'repair-keys': 'run', verify: 'run' })))).toBe('broken');
    expect(healthAfter(done('diagnose', diagnosis({ diagnose: 'run', wifi: 'manual', verify: 'run' })))).toBe('attention');
    expect(healthAfter(done('diagnose', diagnosis({ diagnose: 'run' }, [{ id: 'protected', severity: 'warn' }])))).toBe('protected');
  });

  it('a key check, a repair and a verify say what they measured', () => {
    expect(healthAfter(done('health-check', { healthy: true, protected: false }))).toBe('healthy');
    expect(healthAfter(done('health-check', { healthy: false, protected: false }))).toBe('broken');
    expect(healthAfter(done('repair-keys', { cloudConnected: true, keyWritten: true }))).toBe('healthy');
    expect(healthAfter(done('repair-keys', { cloudConnected: null, keyWritten: true }))).toBe('attention');
    const verify = { deviceId: ID, cloudStatus: 'connected', onlineInCloud: null, led: null, message: '' };
    expect(healthAfter(done('verify', verify))).toBe('healthy');
    expect(healthAfter(done('verify', { ...verify, cloudStatus: 'connecting' }))).toBe('attention');
  });

  it('a failed repair needs attention; a cancelled operation or a failed read changes nothing', () => {
    const error = { code: 'DFU_STALL' as const, message: '', fix: '' };
    expect(healthAfter({ ...done('repair-keys', undefined), status: 'failed', error })).toBe('attention');
    expect(healthAfter({ ...done('diagnose', undefined), status: 'failed', error })).toBeNull();
    expect(healthAfter({ ...done('repair-keys', undefined), status: 'cancelled' })).toBeNull();
    expect(healthAfter({ ...done('restore', undefined), status: 'failed', error: { ...error, code: 'DEVICE_PROTECTED' } })).toBe('protected');
  });
});
