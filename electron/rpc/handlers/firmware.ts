import type { firmwareMethods } from '../../../shared/contract/firmware';
import type { FirmwareService } from '../../services/firmware/firmware-service';
import type { FirmwareFile } from '../../services/firmware/inspect';
import type { OperationRunner } from '../../services/operations/operation-runner';
import type { HandlerGroup } from '../handler-types';

function decode(files: { fileName: string; dataBase64: string }[]): FirmwareFile[] {
  return files.map((f) => ({ fileName: f.fileName, data: new Uint8Array(Buffer.from(f.dataBase64, 'base64')) }));
}

export function firmwareHandlers(deps: {
  firmware: Pick<FirmwareService, 'inspect' | 'plan' | 'flash' | 'updateDeviceOs'>;
  operations: Pick<OperationRunner, 'start'>;
}): HandlerGroup<typeof firmwareMethods> {
  const { firmware, operations } = deps;
  return {
    'firmware.inspect': ({ files }) => firmware.inspect(decode(files)),
    'firmware.plan': ({ deviceId, files }) => firmware.plan(deviceId, decode(files)),
    'firmware.flash': ({ deviceId, files, allowDowngrade }) => {
      const decoded = decode(files);
      return operations.start('flash', deviceId, (ctx) => firmware.flash(deviceId, decoded, ctx, { allowDowngrade }));
    },
    'firmware.update': ({ deviceId, version, files, allowDowngrade }) => {
      const decoded = files ? decode(files) : undefined;
      return operations.start('flash', deviceId, (ctx) => firmware.updateDeviceOs(deviceId, { version, files: decoded, allowDowngrade }, ctx));
    },
  };
}
