import { ftsPrefixTerms, ftsWords } from '../db/search';
import { stmt, type SqliteDb } from '../db/sqlite';

export interface CommentTextHit {
  authorId: number;
  ticketId: number;
  excerpt: string;
}

/** Candidates evaluated at a time when a one-letter word is set aside. */
const CHUNK = 256;

/**
 * The first `limit` comments (by id) with an author whose text matches every word of `text` as a
 * prefix, with an excerpt; the same rows and excerpts as the plain FTS query, however it is run.
 *
 * comments_fts keeps prefix indexes of two and three letters (cache schema 20), so a one-letter
 * word ("yui.t" typed in the search box is "yui"* "t"*) makes FTS5 merge the lists of every token
 * starting with that letter: ~150 ms at 500k comments, ten times that at the large account. Such a
 * word is set aside: the comments matching the other words are taken in id order, a few hundred
 * at a time, and the whole query, excerpt included, is run over just those in a temporary FTS5
 * table with the same tokenizer. A comment's match and excerpt depend on its own text only, so the
 * rows, their order and their excerpts are those of the query run over every comment.
 */
export function commentTextHits(db: SqliteDb, text: string, limit: number): CommentTextHit[] {
  const words = ftsWords(text);
  const query = ftsPrefixTerms(words);
  if (query === null) return [];
  const narrowing = ftsPrefixTerms(words.filter((w) => [...w].length > 1));
  if (narrowing === null || narrowing === query) {
    // No ORDER BY rank: ranking needs every hit, and a common word can hit half the comments.
    return stmt(
      db,
      `SELECT c.author_id AS authorId, c.ticket_id AS ticketId,
              snippet(comments_fts, 0, '', '', '…', 10) AS excerpt
         FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid
        WHERE comments_fts MATCH ? AND c.author_id IS NOT NULL LIMIT ?`,
    ).all(query, limit) as CommentTextHit[];
  }
  // Same tokenizer as comments_fts (migration 0020); its prefix indexes change no result.
  db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.comment_probe USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')`);
  const candidates = stmt(
    db,
    `SELECT c.id AS id, c.author_id AS authorId, c.ticket_id AS ticketId, c.body AS body
       FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid
      WHERE comments_fts MATCH ? AND comments_fts.rowid > ? AND c.author_id IS NOT NULL
      ORDER BY comments_fts.rowid LIMIT ?`,
  );
  const clear = stmt(db, 'DELETE FROM temp.comment_probe');
  const add = stmt(db, 'INSERT INTO temp.comment_probe (rowid, body) VALUES (?, ?)');
  const matched = stmt(
    db,
    `SELECT rowid AS id, snippet(comment_probe, 0, '', '', '…', 10) AS excerpt
       FROM temp.comment_probe WHERE comment_probe MATCH ? ORDER BY rowid`,
  );
  const hits: CommentTextHit[] = [];
  let after = 0;
  for (;;) {
    const chunk = candidates.all(narrowing, after, CHUNK) as Array<{ id: number; authorId: number; ticketId: number; body: string }>;
    if (chunk.length === 0) break;
    const byId = new Map(chunk.map((c) => [c.id, c]));
    const found = db.transaction(() => {
      clear.run();
      for (const c of chunk) add.run(c.id, c.body);
      const rows = matched.all(query) as Array<{ id: number; excerpt: string }>;
      clear.run();
      return rows;
    })();
    for (const row of found) {
      const c = byId.get(row.id)!;
      hits.push({ authorId: c.authorId, ticketId: c.ticketId, excerpt: row.excerpt });
      if (hits.length >= limit) return hits;
    }
    if (chunk.length < CHUNK) break;
    after = chunk[chunk.length - 1]!.id;
  }
  return hits;
}
