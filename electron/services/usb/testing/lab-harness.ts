import { DeviceLab, type AttachOptions } from '../../../lab';
import { EventBus } from '../../../rpc/event-bus';
import { DfuService } from '../../dfu/dfu-service';
import { OperationLog } from '../../operations/operation-log';
import { OperationRunner } from '../../operations/operation-runner';
import { DeviceManager } from '../device-manager';
import { realSleep, type Sleep } from '../sleep';

/**
 * The USB services wired to the device lab, as the composition root will do, for tests and the bench.
 * The services' delays are capped at a couple of real milliseconds: declared waits still count
 * towards timeouts, but a test never sleeps for long and timers (the lab's) still get to run.
 */
export interface LabHarness {
  lab: DeviceLab;
  bus: EventBus;
  opLog: OperationLog;
  operations: OperationRunner;
  devices: DeviceManager;
  dfu: DfuService;
  close(): Promise<void>;
}

export const quickSleep: Sleep = (ms, signal) => realSleep(Math.min(ms, 2), signal);

export function labHarness(options: { timing?: AttachOptions['timing']; sleep?: Sleep } = {}): LabHarness {
  const lab = new DeviceLab({ timing: options.timing ?? 'fast' });
  const bus = new EventBus();
  const opLog = new OperationLog(null);
  const sleep = options.sleep ?? quickSleep;
  const devices = new DeviceManager({ sources: [lab.source], serial: lab.serialAccess, opLog, bus, sleep });
  const dfu = new DfuService({ devices, serial: lab.serialAccess, opLog, sleep, session: { retry: { attempts: 4, delayMs: 1 } } });
  const operations = new OperationRunner(bus, opLog);
  return {
    lab,
    bus,
    opLog,
    operations,
    devices,
    dfu,
    close: async () => {
      devices.close();
      await dfu.close();
      await lab.close();
    },
  };
}
