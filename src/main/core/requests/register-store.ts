import { officerName } from '../audit/officer';
import { LetheError } from '../../../shared/errors';
import type { SqliteDb } from '../db';
import type { CoreServices } from '../services';
import { REGISTER_MIGRATIONS } from './migrations';

/** The workspace named, or the active one; no workspace is a clear not_found. */
export async function resolveWorkspaceId(s: CoreServices, workspaceId: string | undefined): Promise<string> {
  if (workspaceId !== undefined) {
    await s.workspaces.get(workspaceId);
    return workspaceId;
  }
  const active = await s.workspaces.active();
  if (!active) throw new LetheError('not_found', 'No workspace is selected; add or select one first');
  return active.id;
}

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
