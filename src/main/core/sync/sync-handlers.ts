import type { syncOperations } from '../../../shared/contract/groups/sync';
import type { CoreServices, DomainHandlers } from '../services';
import { SyncService, type SyncServiceOptions } from './sync-service';

/** The sync domain's contract operations; the service's running syncs are cancelled when the core closes. */
export function createSyncHandlers(
  s: CoreServices,
  options: SyncServiceOptions & { service?: SyncService } = {},
): DomainHandlers<typeof syncOperations> {
  const sync = options.service ?? new SyncService(s, options);
  s.onClose(() => sync.close());
  return {
    'sync.status': async ({ workspaceId }) => sync.status(await sync.resolve(workspaceId)),
    'sync.start': async ({ workspaceId }) => sync.start(await sync.resolve(workspaceId)),
    'sync.cancel': async ({ workspaceId }) => sync.cancel(await sync.resolve(workspaceId)),
    'sync.refreshSubject': async ({ workspaceId, userId }) => {
      const id = await sync.resolve(workspaceId);
      return { workspaceId: id, userId, ...(await sync.refreshSubject(id, userId)) };
    },
    'sync.subjectFirst': async ({ workspaceId, email }) => sync.subjectFirst(await sync.resolve(workspaceId), email),
    'cache.reset': async ({ workspaceId }) => ({ workspaceId, ...(await sync.resetCache(workspaceId)) }),
  };
}
