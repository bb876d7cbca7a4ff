import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyTicketEventsPage, openCache, type Cache } from '../db';
import { makeComment, range, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { ftsPrefixQuery } from '../db/search';
import { commentTextHits } from './comment-hits';

let tmp: ReturnType<typeof tempDir>;
let cache: Cache;

/** The query as it ran over every comment before one-letter words were set aside. */
function plain(text: string, limit: number) {
  return cache.db
    .prepare(
      `SELECT c.author_id AS authorId, c.ticket_id AS ticketId, snippet(comments_fts, 0, '', '', '…', 10) AS excerpt
         FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid
        WHERE comments_fts MATCH ? AND c.author_id IS NOT NULL LIMIT ?`,
    )
    .all(ftsPrefixQuery(text), limit);
}

const WORDS = [
  'Yui',
  'Tanaka',
  'tomorrow',
  'Łukasz',
  'Théo',
  'TÉLÉPHONE',
  'über',
  'Ütopia',
  'wasser',
  'Weiß',
  'lei',
  'ана',
  'Анна',
  'ticket',
  'x',
];

beforeAll(() => {
  tmp = tempDir();
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  // 2,000 comments of a few words each, some without author, in several scripts with accents and case.
  const comments = range(1, 2_000).map((id) => {
    const body = range(0, 3 + (id % 9))
      .map((k) => WORDS[(id * 31 + k * 17 + ((id >> 3) % 5)) % WORDS.length])
      .join(id % 4 === 0 ? ', ' : ' ');
    const c = makeComment(id, 1 + (id % 50), 10 + (id % 13), `${body} — note ${id}`);
    return id % 11 === 0 ? { ...c, author_id: null } : c;
  });
  for (let from = 0; from < comments.length; from += 500) applyTicketEventsPage(cache.db, comments.slice(from, from + 500), {});
});
afterAll(() => {
  cache.close();
  tmp.cleanup();
});

it('gives the rows, order and excerpts of the plain query when a one-letter word is set aside', () => {
  const queries = [
    'yui.t',
    'Yui T',
    'tanaka w',
    'ü t',
    'lei.w',
    'Łukasz ł',
    'анна а',
    'théo t',
    'tele t',
    'wass w',
    'x t',
    'ticket.x',
    'note 7',
  ];
  let compared = 0;
  for (const text of queries) {
    for (const limit of [1, 7, 200, 1_000]) {
      const expected = plain(text, limit);
      expect(commentTextHits(cache.db, text, limit), `${text} / ${limit}`).toEqual(expected);
      compared += expected.length;
    }
  }
  // The comparisons reach past one chunk of candidates and find rows for nearly every query.
  expect(plain('tanaka t', 1_000).length).toBeGreaterThan(300);
  expect(compared).toBeGreaterThan(3_000);
});

it('gives the plain query itself when no word is set aside, or every word is one letter', () => {
  for (const text of ['tanaka', 'yui tomorrow', 'x', 't w']) expect(commentTextHits(cache.db, text, 200), text).toEqual(plain(text, 200));
  expect(commentTextHits(cache.db, '—', 200)).toEqual([]);
});
