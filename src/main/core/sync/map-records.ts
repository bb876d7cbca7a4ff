import type { CommentRecord, IdentityRecord, OrganizationRecord, TicketRecord, UserRecord } from '../db';
import { commentEventsOf, type Comment, type Identity, type Organization, type Ticket, type TicketEvent, type User } from '../helpdesk';

/**
 * Zendesk objects (already checked by the client's schemas) split into what the cache keeps and
 * what left upstream. Deleted records are not stored with a flag: the issue asks that they leave
 * the cache, and the write API's tombstones keep a replayed older page from bringing them back.
 * The tombstone time is the record's own updated_at, so a later restore (newer updated_at) wins.
 */

export interface Split<T> {
  live: T[];
  deleted: Array<{ id: number; at: string }>;
}

export function splitUsers(users: readonly User[]): Split<UserRecord> {
  const out: Split<UserRecord> = { live: [], deleted: [] };
  for (const u of users) {
    if (u.active) out.live.push(u as UserRecord);
    else out.deleted.push({ id: u.id, at: u.updated_at });
  }
  return out;
}

export function splitTickets(tickets: readonly Ticket[]): Split<TicketRecord> {
  const out: Split<TicketRecord> = { live: [], deleted: [] };
  for (const t of tickets) {
    if (t.status === 'deleted') out.deleted.push({ id: t.id, at: t.updated_at });
    else out.live.push(t as TicketRecord);
  }
  return out;
}

export function splitOrganizations(organizations: readonly Organization[]): Split<OrganizationRecord> {
  const out: Split<OrganizationRecord> = { live: [], deleted: [] };
  for (const o of organizations) {
    const deletedAt = (o as { deleted_at?: unknown }).deleted_at;
    if (typeof deletedAt === 'string' && deletedAt) out.deleted.push({ id: o.id, at: deletedAt });
    else out.live.push(o as OrganizationRecord);
  }
  return out;
}

/** The comments carried by a page of ticket events (`include=comment_events`). */
export function commentsOf(events: readonly TicketEvent[]): CommentRecord[] {
  const out: CommentRecord[] = [];
  for (const e of events) {
    for (const c of commentEventsOf(e)) {
      const plain = (c as { plain_body?: unknown }).plain_body;
      out.push({
        id: c.id,
        ticket_id: e.ticket_id,
        author_id: c.author_id,
        body: typeof plain === 'string' ? plain : c.body,
        public: c.public,
        created_at: c.created_at ?? e.created_at ?? new Date(e.timestamp * 1000).toISOString(),
        attachments: c.attachments,
      });
    }
  }
  return out;
}

/** A comment read from a ticket's comments (a subject refresh or look), as the cache keeps it. */
export function commentRecord(ticketId: number, c: Comment): CommentRecord {
  return {
    id: c.id,
    ticket_id: ticketId,
    author_id: c.author_id,
    body: c.plain_body ?? c.body,
    public: c.public,
    created_at: c.created_at,
    attachments: c.attachments,
  };
}

/**
 * The users export's `identities` sideload, when the helpdesk sent one (Zendesk does with
 * `include=identities`): it is then the complete set for the page's users. undefined leaves the
 * cached identities alone (the simulator does not sideload them; a subject refresh fills them).
 */
export function sideloadedIdentities(
  sideloads: Record<string, unknown>,
  parse: (raw: unknown) => Identity[],
): IdentityRecord[] | undefined {
  const raw = sideloads.identities;
  if (raw === undefined) return undefined;
  return parse(raw);
}
