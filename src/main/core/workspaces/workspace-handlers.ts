import type { workspaceOperations } from '../../../shared/contract/groups/workspaces';
import type { CoreServices, DomainHandlers } from '../services';

export function createWorkspaceHandlers(s: CoreServices): DomainHandlers<typeof workspaceOperations> {
  const { workspaces } = s;
  return {
    'workspaces.list': () => workspaces.list(),
    'workspaces.create': (input) => workspaces.create(input),
    'workspaces.update': (input) => workspaces.update(input),
    'workspaces.remove': async ({ id }) => {
      // Close the cache first: removing the folder under an open connection would leave WAL files.
      s.caches.close(id);
      await workspaces.remove(id);
      return { removed: true as const };
    },
    'workspaces.select': ({ id }) => workspaces.select(id),
    'workspaces.testConnection': (input) => workspaces.testConnection(input),
    'demo.start': () => workspaces.startDemo(),
  };
}
