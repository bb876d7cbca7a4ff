/**
 * Write speed of the sync path on an encrypted cache: export pages applied one transaction each,
 * with their cursor, as the sync engine will apply them. Every scenario starts from its own fresh
 * cache. Prints one JSON object per line, the last one the summary.
 *   npx tsx src/main/core/db/testing/write-bench.ts [tickets=100000]
 * (bench/db-write.ts can re-export this once the bench harness exists.)
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openCache, type Cache } from '../open-cache';
import type { CommentRecord, IdentityRecord, TicketRecord, UserRecord } from '../records';
import { applyTicketEventsPage, applyTicketsPage, applyUsersPage } from '../write-api';
import { makeComment, makeIdentity, makeTicket, makeUser, range, tempDir, TEST_KEY, type TicketShape } from './fixtures';

const PAGE = 1000;
const total = Number(process.argv[2] ?? 100_000);
const userCount = Math.max(1000, Math.floor(total / 2));
const tmp = tempDir('lethe-bench-');
let caches = 0;

const chunk = <T>(items: T[], size: number): T[][] =>
  range(0, Math.ceil(items.length / size)).map((i) => items.slice(i * size, (i + 1) * size));

interface Rate {
  rowsPerSec: number;
  cpuRowsPerSec: number;
}

/**
 * Wall-clock rate, plus the rate by CPU time, which a shared busy machine distorts less.
 * `prepare` runs first on the same cache and is not timed.
 */
function scenario<T>(
  name: string,
  rows: T[],
  perTx: number,
  apply: (cache: Cache, page: T[], n: number) => void,
  prepare?: (cache: Cache) => void,
): Rate {
  const cache = openCache({ path: join(tmp.dir, `bench-${caches++}.db`), key: TEST_KEY });
  prepare?.(cache);
  const pages = chunk(rows, perTx);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  pages.forEach((page, n) => apply(cache, page, n));
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const checkpointStart = performance.now();
  cache.checkpoint('TRUNCATE');
  const checkpointMs = Math.round(performance.now() - checkpointStart);
  cache.close();
  const rate = {
    rowsPerSec: Math.round((rows.length / ms) * 1000),
    cpuRowsPerSec: Math.round((rows.length / ((cpu.user + cpu.system) / 1000)) * 1000),
  };
  console.log(JSON.stringify({ step: name, rows: rows.length, perTx, ms: Math.round(ms), ...rate, checkpointMs }));
  return rate;
}

const tickets = (shape: TicketShape): TicketRecord[] => range(1, total).map((id) => makeTicket(id, {}, userCount, shape));
const ticketPages = (cache: Cache, page: TicketRecord[], n: number): void => {
  applyTicketsPage(cache.db, page, { cursor: `t${n}` });
};

const typical = scenario('tickets typical', tickets('typical'), PAGE, ticketPages);
const replay = scenario('tickets typical, replayed', tickets('typical'), PAGE, ticketPages, (cache) =>
  chunk(tickets('typical'), PAGE).forEach((page, n) => ticketPages(cache, page, n)),
);
const dense = scenario('tickets dense (4 random people each)', tickets('dense'), PAGE, ticketPages);
const grouped = scenario('tickets typical, 5 pages per transaction', tickets('typical'), 5 * PAGE, ticketPages);

const users: UserRecord[] = range(1, userCount).map((id) => makeUser(id, { phone: `+1 555 ${String(id).padStart(7, '0')}` }));
const identitiesOf = (u: UserRecord): IdentityRecord[] => [
  makeIdentity(u.id * 2, u.id, 'email', u.email ?? ''),
  makeIdentity(u.id * 2 + 1, u.id, 'phone_number', u.phone ?? ''),
];
const usersRate = scenario('users + 2 identities each, FTS', users, PAGE, (cache, page, n) => {
  applyUsersPage(cache.db, page, page.flatMap(identitiesOf), { cursor: `u${n}` });
});

const comments: CommentRecord[] = range(1, total).map((id) =>
  makeComment(
    id,
    Math.ceil(id / 3),
    ((id * 31) % userCount) + 1,
    `Hello, I would like to know what data you hold about me. Order ${id}, invoice ${id * 7}.`,
  ),
);
const commentsRate = scenario('comments (3 per ticket), FTS', comments, PAGE, (cache, page, n) => {
  applyTicketEventsPage(cache.db, page, { cursor: `e${n}` });
});

tmp.cleanup();
console.log(
  JSON.stringify({
    bench: 'db-write',
    encrypted: true,
    rowsPerPage: PAGE,
    rows: total,
    ticketsRowsPerSec: typical.rowsPerSec,
    ticketsCpuRowsPerSec: typical.cpuRowsPerSec,
    ticketsReplayRowsPerSec: replay.rowsPerSec,
    ticketsDenseRowsPerSec: dense.rowsPerSec,
    tickets5PagesPerTxRowsPerSec: grouped.rowsPerSec,
    usersRowsPerSec: usersRate.rowsPerSec,
    commentsRowsPerSec: commentsRate.rowsPerSec,
  }),
);
