import { create } from 'zustand';
import type { PendingRepair, RepairResult } from '../../../shared/contract/keys';
import { getApi } from '../api';
import { followOperation, type OperationRun } from '../app/operations';

/**
 * Key repairs by device. Kept outside the card because the device re-enumerates (normal → DFU →
 * normal) during a repair and its card may leave the list for a moment.
 */
interface RepairsState {
  runs: Record<string, OperationRun<RepairResult>>;
  /** Repairs a previous session left part-way (journal on disk), by device. */
  pending: Record<string, PendingRepair>;
}

export const useRepairs = create<RepairsState>(() => ({ runs: {}, pending: {} }));

const IDLE: OperationRun<RepairResult> = { status: 'idle' };

function setRun(deviceId: string, run: OperationRun<RepairResult>): void {
  useRepairs.setState((s) => ({ runs: { ...s.runs, [deviceId]: run } }));
}

export function repairRun(deviceId: string): (s: RepairsState) => OperationRun<RepairResult> {
  return (s) => s.runs[deviceId] ?? IDLE;
}

export async function loadPendingRepairs(): Promise<void> {
  try {
    const { pending } = await getApi().call('keys.pending', {});
    useRepairs.setState({ pending: Object.fromEntries(pending.map((p) => [p.deviceId, p])) });
  } catch {
    // Without the journal list the cards simply offer a fresh repair, which also resumes.
  }
}

/** A fresh repair, or the interrupted one resumed from its journal. */
export async function startRepair(
  deviceId: string,
  mode: 'new' | 'resume' = 'new',
  evidence: { ledPatternId?: string; regenerateIfUnknown?: boolean } = {},
): Promise<void> {
  setRun(deviceId, { status: 'running', operationId: null });
  const run = await followOperation<RepairResult>(
    () => (mode === 'resume' ? getApi().call('keys.resume', { deviceId }) : getApi().call('keys.repair', { deviceId, ...evidence })),
    (operationId) => setRun(deviceId, { status: 'running', operationId }),
  );
  setRun(deviceId, run);
  if (run.status === 'succeeded') await loadPendingRepairs();
}

export function clearRepair(deviceId: string): void {
  setRun(deviceId, IDLE);
}
