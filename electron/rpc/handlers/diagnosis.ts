import type { diagnosisMethods } from '../../../shared/contract/diagnosis';
import type { DiagnosisService } from '../../services/diagnosis/diagnosis-service';
import type { OperationRunner } from '../../services/operations/operation-runner';
import type { HandlerGroup } from '../handler-types';

export interface DiagnosisHandlerDeps {
  diagnosis: DiagnosisService;
  operations: OperationRunner;
}

type WireFile = { fileName: string; dataBase64: string };
const decode = (files: WireFile[] | undefined) => files?.map((f) => ({ fileName: f.fileName, data: new Uint8Array(Buffer.from(f.dataBase64, 'base64')) }));

export function diagnosisHandlers(deps: DiagnosisHandlerDeps): HandlerGroup<typeof diagnosisMethods> {
  const { diagnosis, operations } = deps;
  return {
    'diagnosis.run': ({ deviceId, ledPatternId, readDct }) =>
      operations.start('diagnose', deviceId, (ctx) => diagnosis.run(deviceId, { ledPatternId, readDct }, ctx)),
    'diagnosis.verify': ({ deviceId, timeoutMs }) => operations.start('verify', deviceId, (ctx) => diagnosis.verify(deviceId, { timeoutMs }, ctx)),
    'rescue.start': ({ deviceId, steps, productId, firmware }) =>
      operations.start('rescue', deviceId, (ctx) =>
        diagnosis.rescue(deviceId, steps, ctx, { productId, firmware: firmware && { os: decode(firmware.os), user: decode(firmware.user) } }),
      ),
  };
}
