import { join } from 'node:path';
import type { backupOperations } from '../../../shared/contract/groups/backup';
import { LetheError } from '../../../shared/errors';
import { defaultActor, resolveWorkspaceId } from '../requests';
import type { CoreServices, DomainHandlers } from '../services';
import { createBackup, describeBackup, recoverKeys, recoveryStatus, restoreBackup, showRecoveryKey } from './backup-service';
import { existsSync } from 'node:fs';

export function createBackupHandlers(s: CoreServices): DomainHandlers<typeof backupOperations> {
  return {
    'backup.status': ({ workspaceId }) => recoveryStatus(s, workspaceId),
    'backup.recoveryKey': ({ workspaceId, actor }) => showRecoveryKey(s, workspaceId, actor ?? defaultActor()),
    'backup.create': ({ workspaceId, actor }) => createBackup(s, workspaceId, actor ?? defaultActor()),
    'backup.saveAs': async ({ workspaceId, fileName }) => {
      const id = await resolveWorkspaceId(s, workspaceId);
      // The name is matched by a strict pattern and joined under the backups folder: no path from input.
      const path = join(s.dataDir, 'backups', id, fileName);
      if (!existsSync(path)) throw new LetheError('not_found', 'There is no such backup in the backups folder');
      if (!s.saveFile) return { saved: false, path, via: 'path' as const };
      return { ...(await s.saveFile(path, fileName)), via: 'dialog' as const };
    },
    'backup.describe': ({ path }) => describeBackup(path),
    'backup.restore': ({ path, recoveryKey, actor }) => restoreBackup(s, path, recoveryKey, actor ?? defaultActor()),
    'backup.recoverKeys': ({ workspaceId, recoveryKey, actor }) => recoverKeys(s, workspaceId, recoveryKey, actor ?? defaultActor()),
  };
}
