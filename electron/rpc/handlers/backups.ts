import type { backupsMethods } from '../../../shared/contract/backups';
import { RescueError } from '../../../shared/errors';
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
    'backups.restore': async ({ backupId }) => {
      const backup = await backups.get(backupId);
      const check = await backups.verify(backupId);
      if (!check.ok) {
        throw new RescueError('BACKUP_CORRUPT', `Backup ${backupId} does not match its manifest: ${check.problems.join(' ')}`, 'Do not restore it; pick an older backup.');
      }
      if (backup.kind === 'dct') return operations.start('restore', backup.deviceId, (ctx) => keys.restoreBackup(backupId, ctx));
      const restorer = backups.restorerFor(backup.kind);
      if (!restorer) {
        throw new RescueError(
          'RESTORE_NOT_SUPPORTED',
          `Restoring ${backup.kind} backups is not available in this version.`,
          `The files are safe in ${backup.location}; flash them with the firmware screen or \`particle flash --usb\`.`,
        );
      }
      return operations.start('restore', backup.deviceId, (ctx) => restorer(backup, ctx));
    },
  };
}
