import type { logsMethods } from '../../../shared/contract/logs';
import type { DeviceSummary } from '../../../shared/domain';
import type { SerialService } from '../../services/logs/serial-service';
import type { HandlerGroup } from '../handler-types';

export interface LogsHandlerDeps {
  serial: SerialService;
  devices: { list(): Promise<DeviceSummary[]> };
}

export function logsHandlers(deps: LogsHandlerDeps): HandlerGroup<typeof logsMethods> {
  return {
    'logs.ports': async () => {
      const devices = await deps.devices.list();
      // DFU mode has no serial port: only ask for devices running Device OS.
      const ids = devices.filter((d) => d.usbMode === 'normal').map((d) => d.deviceId);
      return { ports: await deps.serial.ports(ids) };
    },
    'logs.start': ({ deviceId }) => deps.serial.start(deviceId),
    'logs.stop': async ({ deviceId }) => ({ stopped: await deps.serial.stop(deviceId) }),
    'logs.export': ({ deviceId, filter }) => deps.serial.export(deviceId, filter),
  };
}
