import { open, rm, stat } from 'node:fs/promises';
import type { SqliteDb } from '../db';
import { writeWhenFree } from '../db/write-when-free';
import type { Journal } from '../journal';
import { BLOCK, OP, type RedactPayload } from './zendesk-ops';

export interface Forgotten {
  users: number;
  tickets: number;
  comments: number;
  attachments: number;
  files: number;
}

/** Overwrites a downloaded attachment with zeros before unlinking it (best effort on SSDs and copy-on-write file systems). */
async function shred(path: string): Promise<boolean> {
  try {
    const { size } = await stat(path);
    const handle = await open(path, 'r+');
    try {
      const zeros = Buffer.alloc(Math.min(size, 1 << 20));
      for (let at = 0; at < size; at += zeros.length) await handle.write(zeros, 0, Math.min(zeros.length, size - at), at);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(path, { force: true });
    return true;
  } catch {
    return false;
  }
}

const blocks = (s: string): string => BLOCK.repeat([...s].length);

/**
 * Makes the cache forget what the run erased upstream, in one transaction: the permanently deleted
 * tickets with their comments, attachments and participants; the permanently deleted accounts with
 * their identities and memberships (tombstoned, so a replayed sync page cannot bring them back); and
 * the redacted texts and attachments of shared tickets, rewritten as the helpdesk now shows them.
 *
 * Why secure_delete and an FTS optimize: the file is encrypted, but its key sits in the keychain
 * beside it, and SQLite leaves deleted rows in free pages (and FTS5 leaves deleted terms in older
 * index segments until they merge), all readable by anyone holding that key. secure_delete zeroes
 * freed content; 'optimize' merges the full-text segments so the old ones are freed, and zeroed, in
 * the same transaction; the WAL is then checkpointed and truncated so no old page version survives
 * in it. Only what this run verified is touched: nothing is forgotten that the helpdesk still holds.
 */
export async function forgetInCache(
  db: SqliteDb,
  journal: Journal,
  runId: string,
  options: { stillPresentTickets: readonly number[]; stillPresentUsers: readonly number[]; notRedacted: readonly number[]; now?: Date },
): Promise<Forgotten> {
  const ops = journal.operations(runId, ['done']);
  const keepTickets = new Set(options.stillPresentTickets);
  const keepUsers = new Set(options.stillPresentUsers);
  const notRedacted = new Set(options.notRedacted);
  const tickets = ops
    .filter((o) => o.kind === OP.purgeTickets)
    .map((o) => o.targets[0]!)
    .filter((id) => !keepTickets.has(id));
  const users = ops
    .filter((o) => o.kind === OP.purgeUser)
    .map((o) => o.targets[0]!)
    .filter((id) => !keepUsers.has(id));
  const redactions = ops.filter((o) => o.kind === OP.redactComment && o.payload !== null && !notRedacted.has(o.targets[0]!));
  const deletedAt = (options.now ?? new Date()).toISOString();
  const files: string[] = [];
  const previous = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  let result: Forgotten;
  try {
    // Taken when the write lock is free: a sync's transaction must not freeze the main thread here.
    result = await writeWhenFree(db, (): Forgotten => {
      const counts: Forgotten = { users: 0, tickets: 0, comments: 0, attachments: 0, files: 0 };
      const bury = db.prepare(
        `INSERT INTO tombstones (resource, id, deleted_at) VALUES (?, ?, ?)
           ON CONFLICT(resource, id) DO UPDATE SET deleted_at = max(deleted_at, excluded.deleted_at)`,
      );
      const filesOf = db.prepare('SELECT local_path FROM attachments WHERE ticket_id = ? AND local_path IS NOT NULL').pluck();
      for (const id of tickets) {
        files.push(...(filesOf.all(id) as string[]));
        counts.attachments += db.prepare('DELETE FROM attachments WHERE ticket_id = ?').run(id).changes;
        counts.comments += db.prepare('DELETE FROM comments WHERE ticket_id = ?').run(id).changes;
        db.prepare('DELETE FROM participants WHERE ticket_id = ?').run(id);
        counts.tickets += db.prepare('DELETE FROM tickets WHERE id = ?').run(id).changes;
        bury.run('tickets', id, deletedAt);
      }
      for (const op of redactions) {
        const commentId = op.targets[0]!;
        const p = op.payload as unknown as RedactPayload;
        const row = db.prepare('SELECT body FROM comments WHERE id = ?').get(commentId) as { body: string } | undefined;
        if (row) {
          let body = row.body;
          for (const s of p.strings) if (s) body = body.split(s).join(blocks(s));
          if (body !== row.body) {
            db.prepare('UPDATE comments SET body = ? WHERE id = ?').run(body, commentId);
            counts.comments++;
          }
        }
        for (const a of p.attachments) {
          const path = db.prepare('SELECT local_path FROM attachments WHERE id = ?').pluck().get(a.id) as string | null | undefined;
          if (path) files.push(path);
          counts.attachments += db
            .prepare(
              `UPDATE attachments SET file_name = 'redacted.txt', content_type = 'text/plain', size = 0, content_url = NULL, local_path = NULL WHERE id = ?`,
            )
            .run(a.id).changes;
        }
      }
      for (const id of users) {
        // identities (and their search entries) go by cascade
        counts.users += db.prepare('DELETE FROM users WHERE id = ?').run(id).changes;
        db.prepare('DELETE FROM organization_memberships WHERE user_id = ?').run(id);
        bury.run('users', id, deletedAt);
      }
      db.exec(`INSERT INTO comments_fts(comments_fts) VALUES ('optimize');
                 INSERT INTO users_fts(users_fts) VALUES ('optimize');
                 INSERT INTO identities_fts(identities_fts) VALUES ('optimize');
                 INSERT INTO phone_digits(phone_digits) VALUES ('optimize');`);
      return counts;
    });
  } finally {
    db.pragma(`secure_delete = ${previous ? 'ON' : 'OFF'}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  for (const path of files) if (await shred(path)) result.files++;
  return result;
}
