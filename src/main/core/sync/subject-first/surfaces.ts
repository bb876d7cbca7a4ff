import { SUBJECT_SURFACE_LABELS } from '../../../../shared/subject-surfaces';
import {
  applyDeletions,
  applyOrganizationMembershipsPage,
  applyOrganizationsPage,
  applyTicketEventsPage,
  applyTicketsPage,
  applyUsersPage,
  type IdentityRecord,
  type SqliteDb,
  type UserRecord,
} from '../../db';
import { stmt } from '../../db/sqlite';
import { writeWhenFree } from '../../db/write-when-free';
import { Ticket, type OrganizationMembership, type User, type ZendeskClient } from '../../helpdesk';
import { commentRecord, splitOrganizations, splitTickets } from '../map-records';

/**
 * The surfaces a subject-first look fetches, in order. Each is one kind of place the person can
 * be in the helpdesk; the look runs them one after the other, reports each one's progress and,
 * when one fails (a 429 storm that outlasts the retries), notes what is missing and goes on.
 * A new helpdesk surface plugs in by appending a SubjectSurface here: the look, its progress in
 * the UI and the dossier's coverage iterate this list and know nothing else about it.
 *
 * Every write is an upsert of what the export would also deliver (same apply functions, same
 * updated_at guards) taken through writeWhenFree, with `record: false` so the sync's stream
 * positions and counts stay the sync's: a look during a running sync neither blocks it nor
 * doubles anything it writes.
 */

export interface LookContext {
  readonly db: SqliteDb;
  readonly client: ZendeskClient;
  readonly signal: AbortSignal;
  /** Lower-cased e-mail the look started from. */
  readonly email: string;
  /** Accounts holding the e-mail (filled by 'accounts'). */
  found: User[];
  /** The person: the requested account first, then the confirmed ones (filled by 'accounts'). */
  person: number[];
  /** Confirmed accounts of a user, from the durable register (the same rule as the dossier). */
  readonly confirmed: (userId: number) => number[];
  /** Every ticket the person holds a role on (filled by the ticket surfaces). */
  readonly tickets: Map<number, Ticket>;
  /** What could not be fetched, in words. */
  readonly missing: string[];
  /** One per request sent (retries excluded). */
  calls: number;
}

export interface SubjectSurface {
  readonly id: string;
  readonly label: string;
  /** Fetches and writes; calls `progress(items)` as items arrive; returns the items written. */
  run(ctx: LookContext, progress: (items: number) => void): Promise<number>;
}

const RECORD = { record: false } as const;

async function* counted<T>(ctx: LookContext, pages: AsyncIterable<{ items: T[] }>): AsyncGenerator<T[]> {
  for await (const page of pages) {
    ctx.calls += 1;
    yield page.items;
  }
}

async function all<T>(ctx: LookContext, pages: AsyncIterable<{ items: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of counted(ctx, pages)) out.push(...items);
  return out;
}

const primaryFirst = (email: string, users: User[]): User[] =>
  [...users].sort(
    (a, b) => Number((b.email ?? '').toLowerCase() === email) - Number((a.email ?? '').toLowerCase() === email) || a.id - b.id,
  );

/** Identities of each user, with the users, written together (the export's identities rule: complete per user). */
async function writeWithIdentities(ctx: LookContext, users: User[]): Promise<IdentityRecord[]> {
  const identities: IdentityRecord[] = [];
  for (const u of users)
    identities.push(...((await all(ctx, ctx.client.listIdentities(u.id, { signal: ctx.signal }))) as IdentityRecord[]));
  await writeWhenFree(ctx.db, () => applyUsersPage(ctx.db, users as UserRecord[], identities, { resource: 'users', ...RECORD }));
  return identities;
}

const accounts: SubjectSurface = {
  id: 'accounts',
  label: SUBJECT_SURFACE_LABELS.accounts,
  async run(ctx, progress) {
    const users = (await all(ctx, ctx.client.searchUsers(`email:${ctx.email}`, { signal: ctx.signal }))).filter((u) => u.active);
    ctx.found = primaryFirst(ctx.email, users);
    if (ctx.found.length === 0) return 0;
    await writeWithIdentities(ctx, ctx.found);
    progress(ctx.found.length);
    // Accounts an officer already confirmed as the same person (the register outlives the cache).
    const first = ctx.found[0]!.id;
    const person = [first];
    const queue = [first];
    while (queue.length > 0) {
      for (const other of ctx.confirmed(queue.shift()!)) {
        if (person.includes(other)) continue;
        person.push(other);
        queue.push(other);
      }
    }
    const fetched = new Set(ctx.found.map((u) => u.id));
    const more = person.filter((id) => !fetched.has(id));
    if (more.length > 0) {
      ctx.calls += 1;
      const extra = (await ctx.client.showManyUsers(more, { signal: ctx.signal })).filter((u) => u.active);
      await writeWithIdentities(ctx, extra);
      const live = new Set(extra.map((u) => u.id));
      ctx.person = person.filter((id) => fetched.has(id) || live.has(id));
    } else ctx.person = person;
    return ctx.found.length + more.length;
  },
};

/** Accounts sharing one of the person's addresses or numbers: the dossier lists them as suggestions. */
const sharedIdentities: SubjectSurface = {
  id: 'shared_identities',
  label: SUBJECT_SURFACE_LABELS.shared_identities,
  async run(ctx, progress) {
    const values = stmt(
      ctx.db,
      `SELECT DISTINCT type, value FROM identities WHERE user_id IN (SELECT value FROM json_each(?)) AND type IN ('email', 'phone_number')`,
    ).all(JSON.stringify(ctx.person)) as Array<{ type: string; value: string }>;
    const known = new Set([...ctx.person, ...ctx.found.map((u) => u.id)]);
    const others = new Map<number, User>();
    for (const v of values) {
      const key = v.type === 'email' ? 'email' : 'phone';
      for (const u of await all(ctx, ctx.client.searchUsers(`${key}:"${v.value}"`, { signal: ctx.signal })))
        if (u.active && !known.has(u.id)) others.set(u.id, u);
    }
    if (others.size > 0) await writeWithIdentities(ctx, [...others.values()]);
    progress(others.size);
    return others.size;
  },
};

const organizations: SubjectSurface = {
  id: 'organizations',
  label: SUBJECT_SURFACE_LABELS.organizations,
  async run(ctx, progress) {
    const memberships: OrganizationMembership[] = [];
    for (const userId of ctx.person)
      memberships.push(...(await all(ctx, ctx.client.listOrganizationMemberships({ userId, signal: ctx.signal }))));
    const profileOrgs = stmt(
      ctx.db,
      'SELECT organization_id FROM users WHERE id IN (SELECT value FROM json_each(?)) AND organization_id IS NOT NULL',
    )
      .pluck()
      .all(JSON.stringify(ctx.person)) as number[];
    const orgIds = [...new Set([...memberships.map((m) => m.organization_id), ...profileOrgs])];
    let orgs: Awaited<ReturnType<ZendeskClient['showManyOrganizations']>> = [];
    if (orgIds.length > 0) {
      ctx.calls += Math.ceil(orgIds.length / 100);
      orgs = await ctx.client.showManyOrganizations(orgIds, { signal: ctx.signal });
    }
    const { live } = splitOrganizations(orgs);
    await writeWhenFree(ctx.db, () => {
      applyOrganizationsPage(ctx.db, live, { resource: 'organizations', ...RECORD });
      applyOrganizationMembershipsPage(ctx.db, memberships, { resource: 'organization_memberships', ...RECORD });
    });
    progress(live.length);
    return live.length;
  },
};

/**
 * The person's tickets by one role. Requested and copied tickets come from the users' own lists
 * (no search index lag); the other roles only from search, which Zendesk indexes within minutes.
 */
function ticketsBy(role: 'requester' | 'submitter' | 'assignee' | 'cc' | 'follower' | 'commenter'): SubjectSurface {
  return {
    id: `tickets.${role}`,
    label: SUBJECT_SURFACE_LABELS[`tickets.${role}`],
    async run(ctx, progress) {
      let n = 0;
      for (const userId of ctx.person) {
        const pages =
          role === 'requester'
            ? ctx.client.requestedTickets(userId, { signal: ctx.signal })
            : role === 'cc'
              ? ctx.client.ccdTickets(userId, { signal: ctx.signal })
              : searchTickets(ctx, `${role}:${userId}`);
        for await (const items of counted(ctx, pages)) {
          const { live } = splitTickets(items);
          for (const t of items) ctx.tickets.set(t.id, t);
          await writeWhenFree(ctx.db, () => applyTicketsPage(ctx.db, live, { resource: 'tickets', ...RECORD }));
          n += items.length;
          progress(n);
        }
      }
      return n;
    },
  };
}

async function* searchTickets(ctx: LookContext, query: string): AsyncGenerator<{ items: Ticket[] }> {
  for await (const page of ctx.client.searchExport(query, { type: 'ticket', pageSize: 1000, signal: ctx.signal }))
    yield { items: page.items.map((r) => Ticket.parse(r)) };
}

const COMMENT_FETCHES_AT_ONCE = 4;

/** Every comment (and its attachments' metadata) of every ticket found, a few tickets at a time. */
const comments: SubjectSurface = {
  id: 'comments',
  label: SUBJECT_SURFACE_LABELS.comments,
  async run(ctx, progress) {
    const queue = [...ctx.tickets.values()].filter((t) => t.status !== 'deleted').map((t) => t.id);
    let n = 0;
    let failed: { code: string; message: string } | null = null;
    const worker = async () => {
      for (let ticketId = queue.shift(); ticketId !== undefined; ticketId = queue.shift()) {
        try {
          // Not `n += await …`: that reads n before the wait and loses the other fetchers' counts.
          const got = await fetchComments(ctx, ticketId);
          n += got;
          progress(n);
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          const info = errorInfo(error);
          failed ??= info;
          ctx.missing.push(`comments of ticket ${ticketId}: ${info.code}`);
        }
      }
    };
    await Promise.all(Array.from({ length: COMMENT_FETCHES_AT_ONCE }, worker));
    if (failed)
      throw Object.assign(new Error((failed as { message: string }).message), { code: (failed as { code: string }).code, noted: true });
    return n;
  },
};

async function fetchComments(ctx: LookContext, ticketId: number): Promise<number> {
  // Inline images too: the export carries them, and the dossier lists them as attachments.
  const list = await all(ctx, ctx.client.listComments(ticketId, { signal: ctx.signal, includeInlineImages: true }));
  const records = list.map((c) => commentRecord(ticketId, c));
  const keep = new Set(records.map((c) => c.id));
  const cached = stmt(ctx.db, 'SELECT id FROM comments WHERE ticket_id = ?').pluck().all(ticketId) as number[];
  const vanished = cached.filter((id) => !keep.has(id));
  await writeWhenFree(ctx.db, () => {
    applyTicketEventsPage(ctx.db, records, { resource: 'ticket_events', ...RECORD });
    if (vanished.length > 0) applyDeletions(ctx.db, 'comments', vanished);
  });
  return records.length;
}

export function errorInfo(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'internal_error',
    message: typeof e.message === 'string' ? e.message : 'failed',
  };
}

/** In order: who the person is first (the rest needs their ids), then their tickets, then those tickets' comments. */
export const SUBJECT_SURFACES: readonly SubjectSurface[] = [
  accounts,
  sharedIdentities,
  organizations,
  ticketsBy('requester'),
  ticketsBy('submitter'),
  ticketsBy('assignee'),
  ticketsBy('cc'),
  ticketsBy('follower'),
  ticketsBy('commenter'),
  comments,
];
