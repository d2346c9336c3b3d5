import { LAB_KEY_TABLE as KEY_SLOTS } from '../dct/dct-table';
import type { DctStore } from '../dct/dct-store';
import type { DfuseStateMachine } from '../dfu/dfuse-state-machine';
import type { FaultInjector } from '../faults/fault-injector';
import type { LabPlatform } from '../platforms/lab-platforms';
import type { DeviceLog } from '../serial/device-log';
import type { TransferGate } from '../usb/virtual-usb-device';
import type { Sleep, TimingProfile } from '../util/timing';

export interface TransferGateDeps {
  platform: LabPlatform;
  faults: FaultInjector;
  timing: TimingProfile;
  sleep: Sleep;
  dct: DctStore;
  log: DeviceLog;
  inDfu(): boolean;
  dfuMachine(): DfuseStateMachine | null;
  /** Cable pulled. */
  unplug(): void;
  /** Power dipped: the device resets by itself. */
  powerCycle(): void;
}

/** Runs before every control transfer: counts it, applies latency and whatever fault fires on it. */
export function deviceTransferGate(d: TransferGateDeps): TransferGate {
  return {
    sleep: d.sleep,
    outWithoutDataStage: () => (!d.inDfu() && d.platform.outNeedsDataStage ? d.timing.transferTimeoutMs : null),
    beforeTransfer: async () => {
      const latency = d.faults.latencyForTransfer();
      if (latency > 0) await d.sleep(latency);
      const action = d.faults.nextTransfer();
      switch (action.kind) {
        case 'stall':
          return 'stall';
        case 'disconnect':
          d.unplug();
          return 'disconnect';
        case 'dfu-status':
          d.dfuMachine()?.injectError(action.status);
          return 'proceed';
        case 'brownout': {
          // The slot is left half-rewritten: a seeded prefix survives, the rest is noise.
          const slot = KEY_SLOTS[d.platform.protocol][action.slot];
          const kept = action.random.int(0, slot.length - 1);
          d.dct.write(slot.offset + kept, action.random.bytes(slot.length - kept));
          d.log.write('system', 'WARN', 'Brown-out reset');
          d.powerCycle();
          return 'disconnect';
        }
        default:
          return 'proceed';
      }
    },
  };
}
