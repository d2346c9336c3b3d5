import type { backupsMethods } from '../../../shared/contract/backups';
import type { BackupStore } from '../../services/backups/backup-store';
import type { KeyService } from '../../services/keys/key-service';
import type { OperationRunner } from '../../services/operations/operation-runner';
import type { HandlerGroup } from '../handler-types';

export function backupsHandlers(deps: { backups: BackupStore; keys: KeyService; operations: OperationRunner }): HandlerGroup<typeof backupsMethods> {
  const { backups, keys, operations } = deps;
  return {
    'backups.list': async ({ deviceId }) => ({ backups: await backups.list(deviceId) }),
    'backups.verify': ({ backupId }) => backups.verify(backupId),
    'backups.create': ({ deviceId }) => operations.start('backup', deviceId, (ctx) => keys.backupNow(deviceId, ctx)),
    'backups.restore': async ({ backupId, force, uploadKey }) => {
      const backup = await backups.get(backupId);
      return operations.start('restore', backup.deviceId, (ctx) => keys.restoreBackup(backupId, ctx, { force, uploadKey }));
    },
  };
}
