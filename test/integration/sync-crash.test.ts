import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCache, readSyncState } from '../../src/main/core/db';
import { tempDir, TEST_KEY } from '../../src/main/core/db/testing/fixtures';
import { RateLimitScheduler, ZendeskClient, type RequestInfo } from '../../src/main/core/helpdesk';
import { runSync } from '../../src/main/core/sync';
import { expectedCache } from '../../src/main/core/sync/testing/truth';
import { startSimulator, type Simulator } from '../../src/sim';

const CHILD = fileURLToPath(new URL('../../src/main/core/sync/testing/crash-child.ts', import.meta.url));
const PER_PAGE = 50;
const KILL_AFTER_TICKET_PAGES = 5;

let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  // Slow answers so the kill lands in the middle of the tickets stream, not after it.
  sim = await startSimulator({ size: 'small', seed: 3, noLimits: true, faults: { slowMs: 15 } });
  sim.advanceClock(120);
  tmp = tempDir('lethe-sync-crash-');
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

/** Runs the child until it has acknowledged some tickets pages, then SIGKILLs it mid-sync. */
function syncAndKill(path: string): Promise<Map<string, number[][]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, sim.url, sim.admin.email, String(PER_PAGE)], {
      env: { ...process.env, LETHE_TEST_DB_KEY: TEST_KEY, LETHE_TEST_API_TOKEN: sim.admin.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, number[][]>();
    let buffered = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, resource, ids] = line.split(' ');
        if (word !== 'ack' || !resource) continue;
        acked.set(resource, [...(acked.get(resource) ?? []), ids ? ids.split(',').map(Number) : []]);
      }
      if ((acked.get('tickets')?.length ?? 0) >= KILL_AFTER_TICKET_PAGES) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the sync ended by itself: ${stderr.slice(0, 2000)}`));
      else resolve(acked);
    });
  });
}

it('a sync SIGKILLed mid-stream leaves an intact cache with every acknowledged page, and the next sync resumes', async () => {
  const path = join(tmp.dir, 'cache.db');
  const acked = await syncAndKill(path);
  const ackedTickets = acked.get('tickets') ?? [];
  expect(ackedTickets.length).toBeGreaterThanOrEqual(KILL_AFTER_TICKET_PAGES);
  expect(acked.get('users')?.length).toBeGreaterThan(0);

  const cache = openCache({ path, key: TEST_KEY });
  try {
    expect(cache.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const has = cache.db.prepare('SELECT 1 FROM tickets WHERE id = ?').pluck();
    for (const page of ackedTickets) for (const id of page) expect(has.get(id), `ticket ${id}`).toBe(1);
    const hasUser = cache.db.prepare('SELECT 1 FROM users WHERE id = ?').pluck();
    for (const page of acked.get('users') ?? []) for (const id of page) expect(hasUser.get(id), `user ${id}`).toBe(1);
    const stored = readSyncState(cache.db, 'tickets')?.cursor;
    expect(stored).toBeTruthy();

    // Resume in this process against the same simulator; its request log shows where it started.
    const requests: RequestInfo[] = [];
    const client = new ZendeskClient(
      { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
      {
        scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }),
        onRequest: (r) => requests.push(r),
      },
    );
    const logBefore = sim.state.requestLog.length;
    const result = await runSync({
      db: cache.db,
      source: { transport: client.transport },
      signal: new AbortController().signal,
      perPage: PER_PAGE,
    });
    expect(result.outcome).toBe('done');

    const ticketCalls = requests.filter((r) => r.template === '/api/v2/incremental/tickets/cursor');
    expect(ticketCalls[0]!.url.searchParams.get('cursor')).toBe(stored);
    expect(ticketCalls.some((r) => r.url.searchParams.has('start_time'))).toBe(false);
    const expected = expectedCache(sim);
    // A full run: every page of PER_PAGE, plus at most one empty page that says end_of_stream.
    const fullRun = Math.ceil(expected.tickets / PER_PAGE) + 1;
    const resumedRun = sim.state.requestLog.slice(logBefore).filter((r) => r.path === '/api/v2/incremental/tickets/cursor').length;
    expect(resumedRun).toBeLessThanOrEqual(fullRun - ackedTickets.length);
    expect(cache.db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(expected.tickets);
    expect(cache.db.prepare('SELECT count(*) FROM comments').pluck().get()).toBe(expected.comments);
    expect(cache.db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    cache.close();
  }
  // A child process, a kill and a full resync: about 20 s alone, more on a busy 2-core machine.
}, 90_000);
