import type { SqliteDb } from '../db';
import { findPhones, PhoneSet } from '../archive/phone-match';

export interface MentionHit {
  commentId: number;
  ticketId: number;
  authorId: number | null;
  createdAt: string | null;
  /** The exact substrings of the body that name the subject (what a redaction must remove). */
  strings: string[];
  /**
   * The subject's name where it stands beside one of those strings ("Anna Becker <anna@…>",
   * "reach Anna Becker at anna@…"): exact substrings, offered for redaction with the address.
   */
  names: string[];
  /** The words around the first match, on one line: what the officer reads before deciding. */
  excerpt: string;
}

interface Span {
  start: number;
  end: number;
}

/** How far (in characters) from an address or phone a name still stands beside it. */
export const NAME_BESIDE_CHARS = 40;
const EXCERPT_CONTEXT = 80;
const NOT_WORD = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';

/**
 * A person's helpdesk name as a pattern: its words in order, any whitespace between them, any
 * case, never inside a longer word. A one-letter name is not looked for: an initial beside an
 * address is as likely a word as a name (two-letter names, common in Chinese, are).
 */
function namePattern(name: string): RegExp | null {
  const words = name.normalize('NFKC').trim().split(/\s+/u).filter(Boolean);
  if ([...words.join('')].length < 2) return null;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`${NOT_WORD}${escaped.join('\\s+')}${NOT_WORD_AFTER}`, 'giu');
}

/** The names that stand within NAME_BESIDE_CHARS of a span (before or after it), as written. */
export function namesBeside(body: string, spans: readonly Span[], names: readonly string[]): string[] {
  const found = new Set<string>();
  for (const name of names) {
    const pattern = namePattern(name);
    if (!pattern) continue;
    for (const m of body.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      const beside = spans.some(
        (s) => (end <= s.start && s.start - end <= NAME_BESIDE_CHARS) || (start >= s.end && start - s.end <= NAME_BESIDE_CHARS),
      );
      if (beside) found.add(m[0]);
    }
  }
  return [...found];
}

/** The words around a span, whitespace collapsed, cut at word boundaries with an ellipsis. */
export function excerptAround(body: string, span: Span): string {
  let from = Math.max(0, span.start - EXCERPT_CONTEXT);
  let to = Math.min(body.length, span.end + EXCERPT_CONTEXT);
  if (from > 0) {
    const space = body.slice(from, span.start).search(/\s/u);
    if (space >= 0) from += space;
  }
  if (to < body.length) {
    const tail = body.slice(span.end, to);
    const space = Math.max(tail.lastIndexOf(' '), tail.lastIndexOf('\n'));
    if (space >= 0) to = span.end + space;
  }
  const text = body.slice(from, to).replace(/\s+/gu, ' ').trim();
  return `${from > 0 ? '…' : ''}${text}${to < body.length ? '…' : ''}`;
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
 * by digits), so a name in a signature or a similar number is not a hit. With the subject's
 * names, each hit also carries the names that stand beside a match (only beside one: the same
 * name elsewhere in the text may be someone else's, and is the officer's to judge).
 */
export function findMentions(
  db: SqliteDb,
  emails: readonly string[],
  phones: readonly string[],
  names: readonly string[] = [],
): MentionHit[] {
  const terms: string[] = [];
  for (const e of emails) {
    const p = emailPhrase(e);
    if (p) terms.push(p);
  }
  for (const p of phones) terms.push(...phoneTerms(p));
  if (terms.length === 0) return [];
  const candidates = db
    .prepare(
      `SELECT c.id, c.ticket_id, c.author_id, c.created_at, c.body FROM comments_fts f JOIN comments c ON c.id = f.rowid WHERE comments_fts MATCH ?`,
    )
    .all(terms.join(' OR ')) as Array<{ id: number; ticket_id: number; author_id: number | null; created_at: string | null; body: string }>;
  const lowerEmails = emails.map((e) => e.toLowerCase());
  const phoneSet = new PhoneSet(phones);
  const hits: MentionHit[] = [];
  for (const c of candidates) {
    const spans: Span[] = [];
    const lower = c.body.toLowerCase();
    for (const e of lowerEmails) {
      let at = lower.indexOf(e);
      while (at >= 0) {
        spans.push({ start: at, end: at + e.length });
        at = lower.indexOf(e, at + e.length);
      }
    }
    if (phoneSet.size > 0) spans.push(...findPhones(c.body, EMPTY_PHONES, phoneSet));
    if (spans.length === 0) continue;
    spans.sort((a, b) => a.start - b.start);
    hits.push({
      commentId: c.id,
      ticketId: c.ticket_id,
      authorId: c.author_id,
      createdAt: c.created_at,
      strings: [...new Set(spans.map((s) => c.body.slice(s.start, s.end)))],
      names: names.length > 0 ? namesBeside(c.body, spans, names) : [],
      excerpt: excerptAround(c.body, spans[0]!),
    });
  }
  return hits.sort((a, b) => a.commentId - b.commentId);
}
