import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CommentRecord, IdentityRecord, TicketRecord, UserRecord } from '../records';

/** A fixed, valid key for tests; real keys come from getOrCreateDbKey. */
export const TEST_KEY = '5a'.repeat(32);
export const OTHER_KEY = 'c3'.repeat(32);

export function tempDir(prefix = 'lethe-db-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A folder of its own for every test of the calling file: made before each test, removed after it. */
export function tempDirPerTest(prefix?: string): { readonly dir: string } {
  let current: ReturnType<typeof tempDir> | undefined;
  beforeEach(() => {
    current = tempDir(prefix);
  });
  afterEach(() => current?.cleanup());
  return {
    get dir(): string {
      if (!current) throw new Error('tempDirPerTest: the folder exists only while a test runs');
      return current.dir;
    },
  };
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

/**
 * How people are spread over tickets. 'typical': requester = submitter (any user), assignee one of
 * 50 agents, a CC on every 5th ticket and a follower on every 10th. 'dense': four different
 * random users on every ticket (requester, assignee, CC, follower), the worst case for the
 * by-user participant index.
 */
export type TicketShape = 'typical' | 'dense';

/** Ticket `id` whose people are drawn deterministically from user ids 1..userCount. */
export function makeTicket(
  id: number,
  overrides: Partial<TicketRecord> = {},
  userCount = 10_000,
  shape: TicketShape = 'typical',
): TicketRecord {
  const u = (n: number): number => ((id * 7919 + n * 104729) % userCount) + 1;
  const dense = shape === 'dense';
  const cc = dense || id % 5 === 0 ? [u(3)] : [];
  const followers = dense || id % 10 === 0 ? [u(4)] : [];
  return {
    id,
    subject: `Question about order ${id}`,
    description: `Hello, this is ticket ${id}. Please help with my order and account settings.`,
    status: 'open',
    requester_id: u(1),
    submitter_id: u(1),
    assignee_id: dense ? u(2) : (id % Math.min(50, userCount)) + 1,
    organization_id: null,
    group_id: 42,
    collaborator_ids: [...cc, ...followers],
    email_cc_ids: cc,
    follower_ids: followers,
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
