import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Comment, Identity, Ticket, User } from '../helpdesk/schemas';
import { openCache, type Cache } from './open-cache';
import { countRows, dataAsOf, readSyncErrors, readSyncState } from './read-api';
import type { CommentRecord, IdentityRecord, TicketRecord, UserRecord } from './records';
import { searchComments, searchPeople } from './search';
import type { SqliteDb } from './sqlite';
import { makeComment, makeIdentity, makeTicket, makeUser, range, tempDir, TEST_KEY } from './testing/fixtures';
import {
  applyDeletions,
  applyOrganizationMembershipsPage,
  applyOrganizationsPage,
  applyTicketEventsPage,
  applyTicketsPage,
  applyUsersPage,
  recordSyncError,
  setAttachmentLocalPath,
} from './write-api';

// The sync engine hands over the helpdesk client's parsed objects unchanged.
type Assignable<T, U extends T> = U;
export type HelpdeskShapesFit = [
  Assignable<UserRecord, User>,
  Assignable<IdentityRecord, Identity>,
  Assignable<TicketRecord, Ticket>,
  Assignable<Omit<CommentRecord, 'ticket_id'>, Comment>,
];

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;
let db: SqliteDb;
beforeEach(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  db = cache.db;
});
afterEach(() => {
  cache.close();
  tmp.cleanup();
});

/** Every row of every table, to compare whole-database states. */
function snapshot(): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of [
    'users',
    'identities',
    'organizations',
    'organization_memberships',
    'tickets',
    'participants',
    'comments',
    'attachments',
    'tombstones',
  ]) {
    out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
  }
  return out;
}

const participants = (ticketId: number): Array<[number, string]> =>
  db.prepare('SELECT user_id, role FROM participants WHERE ticket_id = ? ORDER BY role, user_id').raw().all(ticketId) as Array<
    [number, string]
  >;

function ftsIntact(): void {
  for (const fts of ['users_fts', 'identities_fts', 'comments_fts']) {
    db.exec(`INSERT INTO ${fts}(${fts}, rank) VALUES ('integrity-check', 1)`);
  }
}

describe('applyTicketsPage', () => {
  it('a ticket twice in one page ends with the roles of its last version', () => {
    const roles = { submitter_id: null, assignee_id: null, email_cc_ids: [], collaborator_ids: [], follower_ids: [] };
    const first = makeTicket(1, { ...roles, requester_id: 10, assignee_id: 20, generated_timestamp: 1 });
    const second = makeTicket(1, { ...roles, requester_id: 11, follower_ids: [30], collaborator_ids: [30], generated_timestamp: 2 });
    applyTicketsPage(db, [first, second], {});
    expect(participants(1)).toEqual([
      [30, 'follower'],
      [11, 'requester'],
    ]);
  });

  it('stores tickets, derives participants, and writes the cursor in the same call', () => {
    const t = makeTicket(1, {
      requester_id: 10,
      submitter_id: 11,
      assignee_id: 12,
      email_cc_ids: [13],
      collaborator_ids: [13, 14, 15],
      follower_ids: [15],
    });
    expect(applyTicketsPage(db, [t], { cursor: 'cur-1', now: new Date('2025-01-01T00:00:00Z') })).toEqual({
      applied: 1,
      skipped: 0,
    });
    expect(participants(1)).toEqual([
      [12, 'assignee'],
      [13, 'cc'],
      [14, 'cc'],
      [15, 'follower'],
      [10, 'requester'],
      [11, 'submitter'],
    ]);
    const state = readSyncState(db, 'tickets');
    expect(state).toMatchObject({ cursor: 'cur-1', items: 1, lastPageAt: '2025-01-01T00:00:00.000Z', lastSuccessAt: null });
  });

  it('is idempotent: replaying a page leaves the same rows', () => {
    const page = range(1, 50).map((i) => makeTicket(i, {}, 20));
    applyTicketsPage(db, page, { cursor: 'a' });
    const first = snapshot();
    applyTicketsPage(db, page, { cursor: 'a' });
    expect(snapshot()).toEqual(first);
    expect(readSyncState(db, 'tickets')?.cursor).toBe('a');
  });

  it('never lets an older version overwrite a newer one, and recomputes roles from the newer', () => {
    applyTicketsPage(db, [makeTicket(1, { generated_timestamp: 200, assignee_id: 2, status: 'solved' })], {});
    const result = applyTicketsPage(db, [makeTicket(1, { generated_timestamp: 100, assignee_id: 3, status: 'open' })], {});
    expect(result).toEqual({ applied: 0, skipped: 1 });
    expect(db.prepare('SELECT status, assignee_id FROM tickets WHERE id = 1').get()).toEqual({ status: 'solved', assignee_id: 2 });
    applyTicketsPage(db, [makeTicket(1, { generated_timestamp: 300, assignee_id: 4, email_cc_ids: [], collaborator_ids: [] })], {});
    const roles = participants(1);
    expect(roles).toContainEqual([4, 'assignee']);
    expect(roles).not.toContainEqual([2, 'assignee']);
    expect(roles.some(([, role]) => role === 'cc')).toBe(false);
  });

  it('keeps only the flagged custom fields, and marks soft-deleted tickets', () => {
    applyTicketsPage(db, [makeTicket(1), makeTicket(2, { status: 'deleted' })], {}, { piiFieldIds: new Set([100, 200]) });
    const rows = db.prepare('SELECT id, custom_fields, deleted FROM tickets ORDER BY id').all();
    expect(rows).toEqual([
      { id: 1, custom_fields: JSON.stringify({ 100: 'customer-ref-1' }), deleted: 0 },
      { id: 2, custom_fields: JSON.stringify({ 100: 'customer-ref-2' }), deleted: 1 },
    ]);
    applyTicketsPage(db, [makeTicket(3)], {});
    expect(db.prepare('SELECT custom_fields FROM tickets WHERE id = 3').pluck().get()).toBeNull();
  });

  it('rolls the whole page and its cursor back when one record fails', () => {
    applyTicketsPage(db, [makeTicket(1)], { cursor: 'good' });
    const bad = { ...makeTicket(3), status: null } as unknown as TicketRecord;
    expect(() => applyTicketsPage(db, [makeTicket(2), bad], { cursor: 'bad' })).toThrow();
    expect(countRows(db).tickets).toBe(1);
    expect(readSyncState(db, 'tickets')?.cursor).toBe('good');
  });
});

describe('applyUsersPage', () => {
  it('stores users with their identities, normalised, and replaces the identity set on the next page', () => {
    applyUsersPage(
      db,
      [makeUser(1, { notes: 'VIP since 2019', user_fields: { loyalty: 'gold' } })],
      [makeIdentity(10, 1, 'email', ' Jane.Doe@Example.TEST '), makeIdentity(11, 1, 'phone_number', '+49 (30) 123-456')],
      { cursor: 'u1' },
    );
    expect(db.prepare('SELECT id, value_normalized FROM identities ORDER BY id').all()).toEqual([
      { id: 10, value_normalized: 'jane.doe@example.test' },
      { id: 11, value_normalized: '4930123456' },
    ]);
    expect(JSON.parse(db.prepare('SELECT profile FROM users WHERE id = 1').pluck().get() as string)).toEqual({
      notes: 'VIP since 2019',
      user_fields: { loyalty: 'gold' },
    });

    applyUsersPage(db, [makeUser(1, { updated_at: '2030-01-01T00:00:00Z' })], [makeIdentity(11, 1, 'phone_number', '+49 30 999')], {});
    expect(db.prepare('SELECT id, value_normalized FROM identities ORDER BY id').all()).toEqual([{ id: 11, value_normalized: '4930999' }]);
    expect(searchPeople(db, 'jane')).toEqual([]);
    // without the sideload, identities are left alone
    applyUsersPage(db, [makeUser(1, { updated_at: '2031-01-01T00:00:00Z' })], undefined, {});
    expect(countRows(db).identities).toBe(1);
    ftsIntact();
  });

  it('marks inactive users deleted and skips stale versions', () => {
    applyUsersPage(db, [makeUser(1, { active: false, updated_at: '2025-02-01T00:00:00Z' })], undefined, {});
    expect(db.prepare('SELECT active, deleted FROM users WHERE id = 1').get()).toEqual({ active: 0, deleted: 1 });
    const r = applyUsersPage(db, [makeUser(1, { active: true, updated_at: '2025-01-01T00:00:00Z' })], [], {});
    expect(r).toEqual({ applied: 0, skipped: 1 });
    expect(db.prepare('SELECT deleted FROM users WHERE id = 1').pluck().get()).toBe(1);
  });
});

describe('organizations and memberships', () => {
  it('upserts both and deletes memberships with their organization', () => {
    applyOrganizationsPage(
      db,
      [{ id: 5, name: 'Acme', domain_names: ['acme.test'], notes: 'Key account', updated_at: '2025-01-01T00:00:00Z' }],
      {
        endTime: 1_735_689_600,
      },
    );
    applyOrganizationMembershipsPage(db, [{ id: 50, user_id: 1, organization_id: 5, default: true }], { cursor: 'm1' });
    expect(countRows(db)).toMatchObject({ organizations: 1, organization_memberships: 1 });
    expect(readSyncState(db, 'organizations')?.endTime).toBe(1_735_689_600);
    applyDeletions(db, 'organizations', [5]);
    expect(countRows(db)).toMatchObject({ organizations: 0, organization_memberships: 0, tombstones: 1 });
  });
});

describe('applyTicketEventsPage', () => {
  it('stores comments and attachment metadata, derives commenters, and keeps local blob paths across replays', () => {
    const c1: CommentRecord = {
      ...makeComment(100, 1, 10, 'First message'),
      attachments: [{ id: 1000, file_name: 'passport.pdf', content_type: 'application/pdf', size: 1234, content_url: 'https://x/1000' }],
    };
    const c2 = makeComment(101, 1, 11, 'Reply');
    applyTicketEventsPage(db, [c1, c2], { startTime: 1_700_000_000, endTime: 1_700_000_600 });
    expect(participants(1)).toEqual([
      [10, 'commenter'],
      [11, 'commenter'],
    ]);
    expect(setAttachmentLocalPath(db, 1000, '/blobs/1000')).toBe(true);

    const before = snapshot();
    applyTicketEventsPage(db, [c1, c2], {});
    expect(snapshot()).toEqual(before);
    expect(db.prepare('SELECT local_path FROM attachments WHERE id = 1000').pluck().get()).toBe('/blobs/1000');

    // a later event for the comment drops the attachment (redacted upstream)
    applyTicketEventsPage(db, [{ ...c1, attachments: [] }], {});
    expect(countRows(db).attachments).toBe(0);
    // ticket roles and commenter roles are recomputed independently
    applyTicketsPage(
      db,
      [makeTicket(1, { requester_id: 10, submitter_id: 10, assignee_id: null, email_cc_ids: [], collaborator_ids: [], follower_ids: [] })],
      {},
    );
    expect(participants(1)).toEqual([
      [10, 'commenter'],
      [11, 'commenter'],
      [10, 'requester'],
      [10, 'submitter'],
    ]);
  });
  it('a comment that changes author or ticket moves its commenter role, also within one page', () => {
    applyTicketEventsPage(db, [makeComment(100, 1, 10, 'a'), makeComment(101, 1, 10, 'b'), makeComment(102, 2, 12, 'c')], {});
    // 101 now belongs to author 11; 102 moves to ticket 1 and appears twice in the page, the last one wins.
    applyTicketEventsPage(db, [makeComment(101, 1, 11, 'b'), makeComment(102, 1, 12, 'c'), makeComment(102, 1, 13, 'c')], {});
    expect(participants(1)).toEqual([
      [10, 'commenter'],
      [11, 'commenter'],
      [13, 'commenter'],
    ]);
    expect(participants(2)).toEqual([]);
    // 100 was 10's only comment left on ticket 1 once it moves: 10 is no longer a commenter there.
    applyTicketEventsPage(db, [makeComment(100, 2, 10, 'a')], {});
    expect(participants(1)).toEqual([
      [11, 'commenter'],
      [13, 'commenter'],
    ]);
    expect(participants(2)).toEqual([[10, 'commenter']]);
  });
});

describe('applyDeletions', () => {
  function seedAll(): void {
    applyUsersPage(db, [makeUser(1, { name: 'Xanthippe Quorra' })], [makeIdentity(10, 1, 'email', 'xanthippe@example.test')], {});
    applyTicketsPage(db, [makeTicket(1, { requester_id: 1 })], {});
    applyTicketEventsPage(db, [{ ...makeComment(100, 1, 1, 'Glockenspiel refund'), attachments: [{ id: 9, file_name: 'a.txt' }] }], {});
  }

  it('removes tickets with their comments, attachments, participants and search entries', () => {
    seedAll();
    expect(searchComments(db, 'glocken')).toHaveLength(1);
    expect(applyDeletions(db, 'tickets', [1, 404])).toEqual({ applied: 1, skipped: 1 });
    expect(countRows(db)).toMatchObject({ tickets: 0, comments: 0, attachments: 0, participants: 0, tombstones: 2 });
    expect(searchComments(db, 'glocken')).toEqual([]);
    ftsIntact();
  });

  it('removes users with their identities and search entries', () => {
    seedAll();
    expect(searchPeople(db, 'xanth')).toEqual([1]);
    applyDeletions(db, 'users', [1]);
    expect(countRows(db)).toMatchObject({ users: 0, identities: 0 });
    expect(searchPeople(db, 'xanth')).toEqual([]);
    expect(searchPeople(db, 'quorra')).toEqual([]);
    ftsIntact();
  });

  it('removes a single comment and its commenter role', () => {
    seedAll();
    applyDeletions(db, 'comments', [100]);
    expect(participants(1).some(([, role]) => role === 'commenter')).toBe(false);
    expect(searchComments(db, 'glocken')).toEqual([]);
  });

  it('keeps a deleted record from coming back through a replayed older page, but not a newer version', () => {
    seedAll();
    applyDeletions(db, 'tickets', [1], { deletedAt: '2025-06-01T00:00:00Z' });
    const replay = applyTicketsPage(db, [makeTicket(1, { updated_at: '2025-05-01T00:00:00Z' })], {});
    expect(replay).toEqual({ applied: 0, skipped: 1 });
    expect(applyTicketEventsPage(db, [makeComment(100, 1, 1, 'Glockenspiel refund')], {})).toEqual({ applied: 0, skipped: 1 });
    expect(countRows(db)).toMatchObject({ tickets: 0, comments: 0 });
    // restored upstream after the deletion
    applyTicketsPage(db, [makeTicket(1, { updated_at: '2025-07-01T00:00:00Z' })], {});
    expect(countRows(db)).toMatchObject({ tickets: 1, tombstones: 0 });
  });

  it('can store a deletion stream position in the same transaction', () => {
    applyDeletions(db, 'users', [7], { checkpoint: { resource: 'users', cursor: 'after-deletions' } });
    expect(readSyncState(db, 'users')?.cursor).toBe('after-deletions');
  });
});

describe('sync state', () => {
  it('keeps the cursor unless a page changes it, and reports data-as-of once every stream completed', () => {
    const t = (iso: string): Date => new Date(iso);
    applyTicketsPage(db, [makeTicket(1)], { cursor: 'c1', now: t('2025-01-01T00:00:00Z') });
    applyTicketsPage(db, [makeTicket(2)], { now: t('2025-01-01T00:01:00Z'), endOfStream: true });
    expect(readSyncState(db, 'tickets')).toMatchObject({ cursor: 'c1', items: 2, lastSuccessAt: '2025-01-01T00:01:00.000Z' });
    expect(dataAsOf(db)).toBeNull();
    applyUsersPage(db, [], [], { endOfStream: true, now: t('2025-01-01T00:02:00Z') });
    applyOrganizationsPage(db, [], { endOfStream: true, now: t('2025-01-01T00:00:30Z') });
    applyTicketEventsPage(db, [], { endOfStream: true, now: t('2025-01-01T00:03:00Z') });
    expect(dataAsOf(db)).toBe('2025-01-01T00:00:30.000Z');
    applyTicketsPage(db, [], { cursor: null });
    expect(readSyncState(db, 'tickets')?.cursor).toBeNull();
  });

  it('records sync errors, bounded, and clears last_error on the next good page', () => {
    for (let i = 0; i < 205; i++) recordSyncError(db, 'users', { code: 'helpdesk_rate_limited', message: `attempt ${i}` });
    expect(countRows(db).sync_errors).toBe(200);
    expect(readSyncErrors(db, 1)).toMatchObject([{ resource: 'users', message: 'attempt 204' }]);
    expect(readSyncState(db, 'users')?.lastError).toBe('helpdesk_rate_limited: attempt 204');
    applyUsersPage(db, [makeUser(1)], undefined, {});
    expect(readSyncState(db, 'users')?.lastError).toBeNull();
  });
});
