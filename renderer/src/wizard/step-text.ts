import type { RescueStepOutcome, WizardStepId } from '../../../shared/contract/diagnosis';

/** What each step will do, shown before it runs so nothing happens to the device by surprise. */
export const STEP_WILL_DO: Record<WizardStepId, string> = {
  diagnose: 'Reads the mode, Device OS, modules, the key store and the cloud status. Changes nothing.',
  'enter-dfu': 'Switches the device to DFU mode (blinking yellow) over USB. If software cannot, you will see which buttons to press.',
  'reflash-os': 'Backs up the device, then writes Device OS and checks every byte by reading it back.',
  'repair-keys':
    'Backs up the configuration area, writes a fresh device key (and the server key if it is wrong), then registers the new public key with the cloud.',
  'reflash-user': 'Installs a known-good application (Tinker) so the device starts normally again.',
  wifi: 'Needs you: the network has to be set up on the device itself.',
  verify: 'Waits for the device to reach the cloud (breathing cyan) and asks the cloud whether it sees the device.',
};

export type StepStatus = 'pending' | 'active' | 'done' | 'failed' | 'skipped' | 'manual' | 'cancelled' | 'not-run';

export const STATUS_TEXT: Record<StepStatus, string> = {
  pending: 'Waiting',
  active: 'Working…',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  manual: 'Your turn',
  cancelled: 'Stopped',
  'not-run': 'Not run',
};

/** A rescue step's real outcome as the status the plan list shows. */
export const OUTCOME_STATUS: Record<RescueStepOutcome['status'], StepStatus> = {
  succeeded: 'done',
  skipped: 'skipped',
  'needs-you': 'manual',
  failed: 'failed',
  cancelled: 'cancelled',
  'not-run': 'not-run',
};
