import type { SurfaceId } from '../../../shared/schemas/surfaces';
import { LetheError } from '../../../shared/errors';
import type { SqliteDb } from '../db/sqlite';
import type { ZendeskClient } from '../helpdesk';
import { lookSurfaces, onDemandSurfaces, type LookOutcome } from '../surfaces';
import { surfaceKeysOf } from './surface-keys';
import { writeWhenFree } from '../db/write-when-free';
import { recordTicketsRead, ticketUpdatedAt } from '../surfaces/side-conversation-index';

/**
 * A live look at the on-demand surfaces for one person (the dossier's "look again" and the live
 * check before an erasure). Asking for a surface that is not read on demand is refused before any
 * request, naming it.
 */
export async function lookForSubject(
  db: SqliteDb,
  register: SqliteDb,
  client: ZendeskClient,
  userId: number,
  workspaceId: string,
  only?: readonly SurfaceId[],
  signal?: AbortSignal,
): Promise<LookOutcome[]> {
  const readable = new Set(onDemandSurfaces().map((d) => d.id));
  const refused = (only ?? []).filter((id) => !readable.has(id));
  if (refused.length > 0)
    throw new LetheError('invalid_input', `Not a surface read on demand: ${refused.join(', ')} (the synced ones are read by the sync)`, {
      errorKind: 'surface_not_on_demand',
    });
  const now = new Date();
  const read: Array<{ ticketId: number; keys: string[] }> = [];
  const found = surfaceKeysOf(db, register, userId, workspaceId, now);
  // Taken before the look: a ticket the sync changes meanwhile is read again next time.
  const updated = ticketUpdatedAt(db, [...found.ticketIds, ...(found.otherTicketIds ?? [])]);
  const keys = { ...found, onTicketRead: (ticketId: number, k: string[]) => read.push({ ticketId, keys: k }) };
  try {
    return await lookSurfaces(db, client, userId, keys, { ...(only ? { only } : {}), signal });
  } finally {
    // What was read stays true even when a later ticket failed: the next look skips it.
    if (read.length > 0) {
      const readAt = now.toISOString();
      const entries = read.map((r) => ({ ticketId: r.ticketId, ticketUpdatedAt: updated.get(r.ticketId) ?? null, readAt, keys: r.keys }));
      await writeWhenFree(db, () => recordTicketsRead(db, entries));
    }
  }
}
