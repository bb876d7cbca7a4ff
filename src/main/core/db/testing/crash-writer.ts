/**
 * Child process for the crash test: applies pages forever and prints each page number after its
 * commit, so the parent knows exactly which pages were acknowledged when it SIGKILLs us.
 * Resumes after the stored cursor, like the sync engine would.
 *   node --import tsx crash-writer.ts <db path>    (key in LETHE_TEST_DB_KEY)
 */
import { openCache } from '../open-cache';
import { readSyncState } from '../read-api';
import { applyTicketEventsPage, applyTicketsPage } from '../write-api';
import { makeComment, makeTicket, range } from './fixtures';

export const CRASH_PAGE_SIZE = 200;

export function pageTicketIds(page: number): number[] {
  return range((page - 1) * CRASH_PAGE_SIZE + 1, CRASH_PAGE_SIZE);
}

function main(): void {
  const path = process.argv[2];
  const key = process.env.LETHE_TEST_DB_KEY;
  if (!path || !key) throw new Error('usage: crash-writer <db path> (key in LETHE_TEST_DB_KEY)');
  const cache = openCache({ path, key });
  const cursor = readSyncState(cache.db, 'ticket_events')?.cursor;
  let page = cursor ? Number(cursor.replace('page-', '')) + 1 : 1;
  for (;;) {
    const ids = pageTicketIds(page);
    applyTicketsPage(
      cache.db,
      ids.map((id) => makeTicket(id)),
      { cursor: `page-${page}` },
    );
    applyTicketEventsPage(
      cache.db,
      ids.map((id) => makeComment(id, id, 1, `Comment on ticket ${id} from page ${page}`)),
      { cursor: `page-${page}` },
    );
    process.stdout.write(`${page}\n`);
    page++;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) main();
