import { LetheError } from '../../../shared/errors';
import type { SubjectAccount } from '../../../shared/contract/groups/subjects';
import { stmt, type SqliteDb } from '../db/sqlite';

/**
 * Which helpdesk accounts make up one person. Starting from the requested account, accounts join
 * when they hold the same email address or phone number (a second account opened with the same
 * number, an address added twice) or when an operator merged them by hand with a reason. The walk
 * is transitive but bounded: a shared switchboard number must not pull half the helpdesk into one
 * dossier, so past MAX_ACCOUNTS it stops and the caller sees `truncated`.
 */

export const MAX_ACCOUNTS = 25;

type Why = SubjectAccount['why'];

export interface AccountSet {
  userIds: number[];
  why: Map<number, Why>;
  truncated: boolean;
}

interface LinkRow {
  other: number;
  reason: string;
  created_at: string;
}

export function userExists(db: SqliteDb, userId: number): boolean {
  return stmt(db, 'SELECT 1 FROM users WHERE id = ?').get(userId) !== undefined;
}

export function subjectAccounts(db: SqliteDb, userId: number): AccountSet {
  if (!userExists(db, userId)) throw new LetheError('not_found', 'No such person in the local cache; sync or refresh, then try again');
  const why = new Map<number, Why>([[userId, { kind: 'requested' }]]);
  const queue = [userId];
  let truncated = false;
  const add = (id: number, reason: Why): void => {
    if (why.has(id)) return;
    if (why.size >= MAX_ACCOUNTS) {
      truncated = true;
      return;
    }
    why.set(id, reason);
    queue.push(id);
  };
  while (queue.length > 0) {
    const current = queue.shift()!;
    const shared = stmt(
      db,
      `SELECT o.user_id AS other, i.type AS type, i.value AS value FROM identities i
         JOIN identities o ON o.value_normalized = i.value_normalized AND o.type = i.type AND o.user_id <> i.user_id
        WHERE i.user_id = ? AND i.type IN ('email', 'phone_number') AND i.value_normalized <> ''
        ORDER BY o.user_id`,
    ).all(current) as Array<{ other: number; type: string; value: string }>;
    for (const row of shared) add(row.other, { kind: 'shared_identity', identityType: row.type, value: row.value, withUserId: current });
    const links = stmt(
      db,
      `SELECT linked_user_id AS other, reason, created_at FROM subject_links WHERE user_id = ?
       UNION ALL SELECT user_id AS other, reason, created_at FROM subject_links WHERE linked_user_id = ?
       ORDER BY other`,
    ).all(current, current) as LinkRow[];
    for (const link of links) {
      // A link to an account the cache no longer holds (deleted upstream) has nothing to add.
      if (userExists(db, link.other)) add(link.other, { kind: 'merged', reason: link.reason, at: link.created_at, withUserId: current });
    }
  }
  return { userIds: [...why.keys()], why, truncated };
}

/** How many other accounts belong to the same person as `userId` (for search results). */
export function linkedAccountCount(db: SqliteDb, userId: number): number {
  return subjectAccounts(db, userId).userIds.length - 1;
}

export function mergeAccounts(db: SqliteDb, userId: number, otherId: number, reason: string, now = new Date()): void {
  if (userId === otherId) throw new LetheError('invalid_input', 'An account cannot be merged with itself');
  if (!userExists(db, userId) || !userExists(db, otherId)) throw new LetheError('not_found', 'Both accounts must be in the local cache');
  const [a, b] = userId < otherId ? [userId, otherId] : [otherId, userId];
  stmt(
    db,
    `INSERT INTO subject_links (user_id, linked_user_id, reason, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id, linked_user_id) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at`,
  ).run(a, b, reason, now.toISOString());
}

export function unmergeAccounts(db: SqliteDb, userId: number, otherId: number): void {
  const [a, b] = userId < otherId ? [userId, otherId] : [otherId, userId];
  const { changes } = stmt(db, 'DELETE FROM subject_links WHERE user_id = ? AND linked_user_id = ?').run(a, b);
  if (changes === 0) throw new LetheError('not_found', 'These two accounts were not merged by hand');
}
