import { officerName } from '../audit/officer';
import type { SqliteDb } from '../db';
import type { CoreServices } from '../services';
import { REGISTER_MIGRATIONS } from './migrations';

/** The workspace named, or the active one: the one reading every domain shares. */
export { resolveWorkspace as resolveWorkspaceId } from '../workspaces/workspace-clients';

/** The workspace's durable register store (requests and audit log); a cache reset never touches it. */
export async function openRegisterDb(s: CoreServices, workspaceId: string): Promise<SqliteDb> {
  const store = await s.caches.openStore(workspaceId, 'register', REGISTER_MIGRATIONS);
  return store.db;
}

/**
 * Who acted when the caller does not say: the OS account running Lethe. A desktop app has no
 * login of its own, and the OS account is what an organization can tie to a person.
 */
export function defaultActor(): string {
  return officerName();
}
