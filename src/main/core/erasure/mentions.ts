import type { SqliteDb } from '../db';
import { findPhones, PhoneSet } from '../archive/phone-match';

export interface MentionHit {
  commentId: number;
  ticketId: number;
  authorId: number | null;
  /** The exact substrings of the body that name the subject (what a redaction must remove). */
  strings: string[];
}

const EMPTY_PHONES = new PhoneSet([]);

/** FTS5 phrase of an e-mail's words: the tokenizer splits "jane.doe@x.com" into jane doe x com. */
function emailPhrase(email: string): string | null {
  const words = email
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words.length === 0 ? null : `"${words.join(' ')}"`;
}

/**
 * Phone numbers are written with any grouping, so the index is asked for the tokens a spelling of
 * the number can produce (all digits in one run, or its last four digits as their own group) and
 * every candidate is then checked digit by digit.
 */
function phoneTerms(phone: string): string[] {
  const digits = phone.replace(/\D/g, '').replace(/^0+/, '');
  if (digits.length < 7) return [];
  const terms = new Set<string>([
    `"${digits}"`,
    `"${digits.slice(-4)}"`,
    `"0${digits.slice(-10)}"`,
    `"${digits.slice(-10)}"`,
    `"${digits.slice(-9)}"`,
  ]);
  return [...terms];
}

/**
 * Comments whose text holds one of the subject's e-mails or phones. The full-text index narrows the
 * search to candidates; each candidate is confirmed on its text (e-mails case-insensitively, phones
 * by digits), so a name in a signature or a similar number is not a hit.
 */
export function findMentions(db: SqliteDb, emails: readonly string[], phones: readonly string[]): MentionHit[] {
  const terms: string[] = [];
  for (const e of emails) {
    const p = emailPhrase(e);
    if (p) terms.push(p);
  }
  for (const p of phones) terms.push(...phoneTerms(p));
  if (terms.length === 0) return [];
  const candidates = db
    .prepare(
      `SELECT c.id, c.ticket_id, c.author_id, c.body FROM comments_fts f JOIN comments c ON c.id = f.rowid WHERE comments_fts MATCH ?`,
    )
    .all(terms.join(' OR ')) as Array<{ id: number; ticket_id: number; author_id: number | null; body: string }>;
  const lowerEmails = emails.map((e) => e.toLowerCase());
  const phoneSet = new PhoneSet(phones);
  const hits: MentionHit[] = [];
  for (const c of candidates) {
    const strings = new Set<string>();
    const lower = c.body.toLowerCase();
    for (const e of lowerEmails) {
      let at = lower.indexOf(e);
      while (at >= 0) {
        strings.add(c.body.slice(at, at + e.length));
        at = lower.indexOf(e, at + e.length);
      }
    }
    if (phoneSet.size > 0) {
      for (const span of findPhones(c.body, EMPTY_PHONES, phoneSet)) strings.add(c.body.slice(span.start, span.end));
    }
    if (strings.size > 0) hits.push({ commentId: c.id, ticketId: c.ticket_id, authorId: c.author_id, strings: [...strings] });
  }
  return hits.sort((a, b) => a.commentId - b.commentId);
}
