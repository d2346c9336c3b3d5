import { create } from 'zustand';
import type { RepairResult } from '../../../shared/contract/keys';
import { getApi } from '../api';
import { followOperation, type OperationRun } from '../app/operations';

/**
 * Key repairs by device. Kept outside the card because the device re-enumerates (normal → DFU →
 * normal) during a repair and its card may leave the list for a moment.
 */
export const useRepairs = create<{ runs: Record<string, OperationRun<RepairResult>> }>(() => ({ runs: {} }));

const IDLE: OperationRun<RepairResult> = { status: 'idle' };

function setRun(deviceId: string, run: OperationRun<RepairResult>): void {
  useRepairs.setState((s) => ({ runs: { ...s.runs, [deviceId]: run } }));
}

export function repairRun(deviceId: string): (s: { runs: Record<string, OperationRun<RepairResult>> }) => OperationRun<RepairResult> {
  return (s) => s.runs[deviceId] ?? IDLE;
}

export async function startRepair(deviceId: string): Promise<void> {
  setRun(deviceId, { status: 'running', operationId: null });
  const run = await followOperation<RepairResult>(
    () => getApi().call('keys.repair', { deviceId }),
    (operationId) => setRun(deviceId, { status: 'running', operationId }),
  );
  setRun(deviceId, run);
}

export function clearRepair(deviceId: string): void {
  setRun(deviceId, IDLE);
}
