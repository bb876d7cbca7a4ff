import { LetheError } from '../../../shared/errors';
import type { Cache } from '../db';
import type { CoreServices } from '../services';

/** The named workspace, or the active one, with its open cache. */
export async function workspaceCache(s: CoreServices, workspaceId: string | undefined): Promise<{ workspaceId: string; cache: Cache }> {
  let id = workspaceId;
  if (id === undefined) {
    const active = await s.workspaces.active();
    if (!active) throw new LetheError('not_found', 'No workspace is selected; add or select one first');
    id = active.id;
  } else {
    await s.workspaces.get(id);
  }
  return { workspaceId: id, cache: await s.caches.open(id) };
}
