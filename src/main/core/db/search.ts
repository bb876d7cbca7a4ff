import { stmt, type SqliteDb } from './sqlite';

/**
 * Turns free text into an FTS5 query that cannot be a syntax error: every word becomes a quoted
 * prefix term and all must match. The tokenizer folds case and accents on both sides.
 * Returns null when the text holds no searchable word.
 */
export function ftsPrefixQuery(text: string): string | null {
  return ftsPrefixTerms(ftsWords(text));
}

/** The words of `text` that `ftsPrefixQuery` makes terms of. */
export function ftsWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Every word a quoted prefix term, all required; null for no word. */
export function ftsPrefixTerms(words: readonly string[]): string | null {
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

/** Users whose name, email, phone or any identity matches every word of `text` (as prefixes). */
export function searchPeople(db: SqliteDb, text: string, limit = 50): number[] {
  const query = ftsPrefixQuery(text);
  if (query === null) return [];
  return stmt(
    db,
    `SELECT user_id FROM (
       SELECT rowid AS user_id FROM users_fts WHERE users_fts MATCH @query
       UNION
       SELECT i.user_id FROM identities_fts JOIN identities i ON i.id = identities_fts.rowid
        WHERE identities_fts MATCH @query
     ) ORDER BY user_id LIMIT @limit`,
  )
    .pluck()
    .all({ query, limit }) as number[];
}

export interface CommentHit {
  commentId: number;
  ticketId: number;
}

/** Comments whose text matches every word of `text` (as prefixes), best match first. */
export function searchComments(db: SqliteDb, text: string, limit = 50): CommentHit[] {
  const query = ftsPrefixQuery(text);
  if (query === null) return [];
  return stmt(
    db,
    `SELECT c.id AS commentId, c.ticket_id AS ticketId
       FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid
      WHERE comments_fts MATCH ? ORDER BY rank LIMIT ?`,
  ).all(query, limit) as CommentHit[];
}
