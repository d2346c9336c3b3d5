import type { devicesMethods } from '../../../shared/contract/devices';
import type { DfuService } from '../../services/dfu/dfu-service';
import type { OperationRunner } from '../../services/operations/operation-runner';
import type { DeviceManager } from '../../services/usb/device-manager';
import type { HandlerGroup } from '../handler-types';

export interface DevicesHandlerDeps {
  devices: DeviceManager;
  dfu: DfuService;
  operations: OperationRunner;
}

export function devicesHandlers(deps: DevicesHandlerDeps): HandlerGroup<typeof devicesMethods> {
  /** The device list shows the device as busy for as long as one of these operations runs on it. */
  const whileBusy = async <T>(deviceId: string, run: () => Promise<T>): Promise<T> => {
    deps.devices.setBusy(deviceId, true);
    try {
      return await run();
    } finally {
      deps.devices.setBusy(deviceId, false);
    }
  };
  return {
    // Answered from the manager's state: a flood of calls probes USB once, not once per call.
    'devices.list': async () => ({ devices: await deps.devices.current(), usb: deps.devices.status() }),
    'dfu.enter': ({ deviceId, timeoutMs }) =>
      deps.operations.start('enter-dfu', deviceId, (ctx) => whileBusy(deviceId, () => deps.dfu.enterDfu(deviceId, ctx, { timeoutMs }))),
    'dfu.leave': ({ deviceId }) =>
      deps.operations.start('leave-dfu', deviceId, (ctx) => whileBusy(deviceId, async () => ({ device: await deps.dfu.leave(deviceId, ctx) }))),
  };
}
