import {
  applyDeletions,
  applyOrganizationsPage,
  applyTicketEventsPage,
  applyTicketsPage,
  applyUsersPage,
  type IdentityRecord,
  type OrganizationRecord,
  type SqliteDb,
  type TicketRecord,
  type UserRecord,
} from '../../db';
import { commentEventsOf, type ZendeskClient } from '../../helpdesk';

/**
 * Test helper: fills a cache from the simulator's exports through the real client and the db write
 * API, without the sync engine, so the erasure tests do not move with the sync module's own work.
 * Identities are read per user (the simulator does not sideload them on the users export).
 */
export async function fillCacheFromHelpdesk(
  db: SqliteDb,
  client: ZendeskClient,
  options: { identities?: boolean; perPage?: number } = {},
): Promise<void> {
  const perPage = options.perPage ?? 1000;
  const liveUsers: UserRecord[] = [];
  for await (const page of client.exportUsers({ startTime: 0, perPage })) {
    const live = page.items.filter((u) => u.active !== false) as UserRecord[];
    const gone = page.items.filter((u) => u.active === false).map((u) => u.id);
    applyUsersPage(db, live, undefined, { cursor: page.afterCursor, endOfStream: page.endOfStream });
    if (gone.length) applyDeletions(db, 'users', gone);
    liveUsers.push(...live);
    if (page.endOfStream) break;
  }
  if (options.identities !== false) {
    for (const user of liveUsers) {
      const identities: IdentityRecord[] = [];
      for await (const page of client.listIdentities(user.id)) identities.push(...(page.items as IdentityRecord[]));
      applyUsersPage(db, [user], identities, { resource: 'users' });
    }
  }
  // Organizations too: their custom fields can hold a person's address (an erasure clears them).
  for await (const page of client.exportOrganizations({ startTime: 0, perPage })) {
    applyOrganizationsPage(db, page.items as OrganizationRecord[], {
      resource: 'organizations',
      endTime: page.endTime,
      endOfStream: page.endOfStream,
    });
    if (page.endOfStream) break;
  }
  for await (const page of client.exportTickets({ startTime: 0, perPage })) {
    const live = page.items.filter((t) => t.status !== 'deleted') as TicketRecord[];
    const gone = page.items.filter((t) => t.status === 'deleted').map((t) => t.id);
    applyTicketsPage(db, live, { cursor: page.afterCursor, endOfStream: page.endOfStream });
    if (gone.length) applyDeletions(db, 'tickets', gone);
    if (page.endOfStream) break;
  }
  for await (const page of client.exportTicketEvents({ startTime: 0 })) {
    const comments = page.items.flatMap((e) =>
      commentEventsOf(e).map((c) => {
        const plain = (c as { plain_body?: unknown }).plain_body;
        return {
          id: c.id,
          ticket_id: e.ticket_id,
          author_id: c.author_id,
          body: typeof plain === 'string' ? plain : c.body,
          public: c.public,
          created_at: c.created_at ?? e.created_at ?? new Date(e.timestamp * 1000).toISOString(),
          attachments: c.attachments,
        };
      }),
    );
    applyTicketEventsPage(db, comments, { resource: 'ticket_events', endTime: page.endTime, endOfStream: page.endOfStream });
    if (page.endOfStream) break;
  }
}
