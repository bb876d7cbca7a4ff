import {
  applyDeletions,
  applyOrganizationMembershipsPage,
  applyTicketEventsPage,
  applyTicketsPage,
  applyUsersPage,
  type SqliteDb,
} from '../db';
import { stmt } from '../db/sqlite';
import { writeWhenFree } from '../db/write-when-free';
import { collect, HelpdeskNotFoundError, type Ticket, type ZendeskClient } from '../helpdesk';
import { commentRecord, splitTickets } from './map-records';

export interface SubjectRefreshOutcome {
  found: boolean;
  identities: number;
  tickets: number;
  comments: number;
  deletedTickets: number;
}

/**
 * Brings one person up to date now, through the regular endpoints and the account's per-minute
 * budget (the background export keeps its own 10/min budget): their profile and identities, their
 * memberships, every ticket they request, are copied on, or that the cache already links them to,
 * and all comments of those tickets. What vanished upstream leaves the cache here too. Each
 * record set is written in its own short transaction between requests, taken when the write lock
 * is free (a running sync holds it up to about a second) so the waiting never blocks the UI.
 */
export async function refreshSubject(
  db: SqliteDb,
  client: ZendeskClient,
  userId: number,
  signal: AbortSignal,
): Promise<SubjectRefreshOutcome> {
  const outcome: SubjectRefreshOutcome = { found: false, identities: 0, tickets: 0, comments: 0, deletedTickets: 0 };
  let user;
  try {
    user = await client.getUser(userId, { signal });
  } catch (error) {
    if (!(error instanceof HelpdeskNotFoundError)) throw error;
  }
  if (!user || !user.active) {
    const deletion = user ? { deletedAt: user.updated_at } : {};
    await writeWhenFree(db, () => applyDeletions(db, 'users', [userId], deletion));
  } else {
    outcome.found = true;
    const identities = await collect(client.listIdentities(userId, { signal }));
    const memberships = await collect(client.listOrganizationMemberships({ userId, signal }));
    await writeWhenFree(db, () => {
      applyUsersPage(db, [user], identities, { resource: 'users', record: false });
      applyOrganizationMembershipsPage(db, memberships, { resource: 'organization_memberships', record: false });
    });
    outcome.identities = identities.length;
  }

  const tickets = new Map<number, Ticket>();
  if (outcome.found) {
    for (const t of await collect(client.requestedTickets(userId, { signal }))) tickets.set(t.id, t);
    for (const t of await collect(client.ccdTickets(userId, { signal }))) tickets.set(t.id, t);
  }
  // Followed, assigned, commented: whatever the cache already links to this person.
  const linked = stmt(db, 'SELECT DISTINCT ticket_id FROM participants WHERE user_id = ?').pluck().all(userId) as number[];
  const missing = linked.filter((id) => !tickets.has(id));
  if (missing.length > 0) {
    for (const t of await client.showManyTickets(missing, { signal })) tickets.set(t.id, t);
  }
  // show_many leaves out deleted tickets: a linked ticket it does not return is gone upstream.
  const gone = missing.filter((id) => !tickets.has(id));
  const { live, deleted } = splitTickets([...tickets.values()]);
  const goneIds = [...gone, ...deleted.map((d) => d.id)];
  await writeWhenFree(db, () => {
    applyTicketsPage(db, live, { resource: 'tickets', record: false });
    if (goneIds.length > 0) applyDeletions(db, 'tickets', goneIds);
  });
  outcome.tickets = live.length;
  outcome.deletedTickets = goneIds.length;

  for (const ticket of live) {
    const comments = await collect(client.listComments(ticket.id, { signal, includeInlineImages: true }));
    const records = comments.map((c) => commentRecord(ticket.id, c));
    const keep = new Set(records.map((c) => c.id));
    const cached = stmt(db, 'SELECT id FROM comments WHERE ticket_id = ?').pluck().all(ticket.id) as number[];
    const vanished = cached.filter((id) => !keep.has(id));
    await writeWhenFree(db, () => {
      applyTicketEventsPage(db, records, { resource: 'ticket_events', record: false });
      if (vanished.length > 0) applyDeletions(db, 'comments', vanished);
    });
    outcome.comments += records.length;
  }
  return outcome;
}
