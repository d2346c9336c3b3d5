import type { keysMethods } from '../../../shared/contract/keys';
import type { KeyService } from '../../services/keys/key-service';
import type { OperationRunner } from '../../services/operations/operation-runner';
import type { HandlerGroup } from '../handler-types';

export function keysHandlers(deps: { keys: KeyService; operations: OperationRunner }): HandlerGroup<typeof keysMethods> {
  const { keys, operations } = deps;
  return {
    'keys.healthCheck': ({ deviceId }) => operations.start('health-check', deviceId, (ctx) => keys.healthCheck(deviceId, ctx)),
    'keys.repair': ({ deviceId, serverKey, productId, preferBackupKey, ledPatternId, regenerateIfUnknown }) =>
      operations.start('repair-keys', deviceId, (ctx) => keys.repair(deviceId, { serverKey, productId, preferBackupKey, ledPatternId, regenerateIfUnknown }, ctx)),
    'keys.pending': async () => ({ pending: await keys.pending() }),
    'keys.serverKeyCandidates': async () => ({ candidates: await keys.serverKeyCandidates() }),
    'keys.resume': ({ deviceId }) => operations.start('repair-keys', deviceId, (ctx) => keys.resume(deviceId, ctx)),
  };
}
