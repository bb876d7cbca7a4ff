import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommentRecord, IdentityRecord, TicketRecord, UserRecord } from '../records';

/** A fixed, valid key for tests; real keys come from getOrCreateDbKey. */
export const TEST_KEY = '5a'.repeat(32);
export const OTHER_KEY = 'c3'.repeat(32);

export function tempDir(prefix = 'lethe-db-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const BASE = 1_700_000_000;

export function makeUser(id: number, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    name: `User ${id}`,
    email: `user${id}@example.test`,
    phone: null,
    role: 'end-user',
    active: true,
    suspended: false,
    tags: ['vip'],
    created_at: iso(BASE),
    updated_at: iso(BASE + id),
    ...overrides,
  };
}

export function makeIdentity(id: number, userId: number, type: string, value: string): IdentityRecord {
  return { id, user_id: userId, type, value, primary: false, verified: true, created_at: iso(BASE), updated_at: iso(BASE) };
}

/** Ticket `id` with requester/submitter/assignee/CC/follower drawn from user ids 1..userCount. */
export function makeTicket(id: number, overrides: Partial<TicketRecord> = {}, userCount = 10_000): TicketRecord {
  const u = (n: number): number => ((id * 7919 + n * 104729) % userCount) + 1;
  return {
    id,
    subject: `Question about order ${id}`,
    description: `Hello, this is ticket ${id}. Please help with my order and account settings.`,
    status: 'open',
    requester_id: u(1),
    submitter_id: u(1),
    assignee_id: u(2),
    organization_id: null,
    group_id: 42,
    collaborator_ids: [u(3)],
    email_cc_ids: [u(3)],
    follower_ids: [u(4)],
    tags: ['billing', 'order'],
    custom_fields: [
      { id: 100, value: `customer-ref-${id}` },
      { id: 200, value: null },
    ],
    via: { channel: 'email' },
    created_at: iso(BASE),
    updated_at: iso(BASE + id),
    generated_timestamp: BASE + id,
    ...overrides,
  };
}

export function makeComment(id: number, ticketId: number, authorId: number, body: string): CommentRecord {
  return { id, ticket_id: ticketId, author_id: authorId, body, public: true, created_at: iso(BASE + id), attachments: [] };
}

export function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}
