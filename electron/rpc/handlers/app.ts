import { RescueError } from '../../../shared/errors';
import type { appMethods } from '../../../shared/contract/app';
import type { OperationLog } from '../../services/operations/operation-log';
import type { OperationRunner } from '../../services/operations/operation-runner';
import type { HandlerGroup } from '../handler-types';

export interface AppHandlerDeps {
  info: { version: string; transport: 'electron' | 'browser'; readOnly: boolean; station: boolean; os: string };
  operations: OperationRunner;
  opLog: OperationLog;
  /** Electron: shell.openExternal behind the allow-list; browser mode: the page opens links itself. */
  openExternal: (url: string) => Promise<boolean>;
}

export function appHandlers(deps: AppHandlerDeps): HandlerGroup<typeof appMethods> {
  return {
    'app.info': () => ({ name: 'Particle Rescue' as const, ...deps.info }),
    'app.openExternal': async ({ url }) => ({ opened: await deps.openExternal(url) }),
    'operations.cancel': ({ operationId }) => ({ cancelled: deps.operations.cancel(operationId) }),
    'operations.get': ({ operationId }) => {
      const snapshot = deps.operations.snapshot(operationId);
      if (!snapshot.running && !snapshot.finished) {
        throw new RescueError('NOT_FOUND', `There is no operation ${operationId}.`, 'It may have finished long ago; start it again if needed.');
      }
      return snapshot;
    },
    'operations.log': ({ limit }) => ({ entries: deps.opLog.recent(limit) }),
  };
}
