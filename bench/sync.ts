/**
 * The sync end to end on the `medium` dataset (about 100,000 tickets, 20,000 users, 500,000
 * comments): HTTP, JSON, validation and writes, as the app runs it (SyncService's runSync, 1,000
 * per page, sliced page writes). The simulator runs in a CHILD PROCESS (`src/sim/main.ts --size
 * medium --no-limits --port 0`), so its CPU and memory are not counted in this process's event
 * loop stalls or RSS: this process plays the one that serves the UI.
 *
 * Measured in one run:
 * - the encrypted sync: tickets/s and rows/s end to end, requests per 1,000 tickets, the longest
 *   event-loop stall (monitorEventLoopDelay plus a 10 ms setInterval drift probe), peak RSS;
 * - the same sync into an unencrypted file (bench-only db option): encrypted_over_plain;
 * - the same rows, read back from the cache, inserted with one prepared statement per table into a
 *   plain SQLite file with the same schema (indexes and FTS triggers included): ratio_to_raw_insert.
 *
 *   npm run bench -- sync      (or: npx tsx bench/sync.ts [size])
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { COUNTED_TABLES, countRows, MIGRATIONS, openCache, runMigrations, type Cache } from '../src/main/core/db';
import { Database } from '../src/main/core/db/sqlite';
import { RateLimitScheduler, ZendeskClient } from '../src/main/core/helpdesk';
import { runSync } from '../src/main/core/sync';

const size = process.argv[2] ?? 'medium';
const KEY = '7e'.repeat(32);
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));
const ROW_TABLES = ['users', 'identities', 'organizations', 'tickets', 'participants', 'comments', 'attachments'] as const;

async function startSimChild(): Promise<{ child: ChildProcess; url: string; email: string; token: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts', '--size', size, '--no-limits', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const url = /listening on (\S+)/.exec(out)?.[1];
      const email = /admin email: (\S+)/.exec(out)?.[1];
      const token = /admin token: (\S+)/.exec(out)?.[1];
      if (url && email && token && /dataset:/.test(out)) resolve({ child, url, email, token });
    });
  });
}

interface RunFigures {
  seconds: number;
  requests: number;
  rows: number;
  tickets: number;
  maxStallMs: number;
  p99StallMs: number;
  peakRssMb: number;
}

async function syncOnce(sim: { url: string; email: string; token: string }, cache: Cache): Promise<RunFigures> {
  let requests = 0;
  const client = new ZendeskClient(
    { baseUrl: sim.url, email: sim.email, token: sim.token },
    {
      // The simulator runs with --no-limits; the real 10/min export budget is projected below instead.
      scheduler: new RateLimitScheduler({ requestsPerMinute: 1e9, exportRequestsPerMinute: 1e9 }),
      onRequest: () => requests++,
    },
  );
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let maxDrift = 0;
  let expected = performance.now() + 10;
  const probe = setInterval(() => {
    const now = performance.now();
    maxDrift = Math.max(maxDrift, now - expected);
    expected = now + 10;
  }, 10);
  let peakRss = process.memoryUsage().rss;
  const rss = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  histogram.enable();
  const started = performance.now();
  const result = await runSync({ db: cache.db, transport: client.transport, signal: new AbortController().signal, perPage: 1000 });
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  clearInterval(probe);
  clearInterval(rss);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (result.outcome !== 'done') throw new Error(`sync ${result.outcome}: ${result.error?.code} ${result.error?.message}`);
  const counts = countRows(cache.db);
  return {
    seconds,
    requests,
    rows: ROW_TABLES.reduce((n, t) => n + counts[t], 0),
    tickets: counts.tickets,
    maxStallMs: Math.max(histogram.max / 1e6, maxDrift),
    p99StallMs: histogram.percentile(99) / 1e6,
    peakRssMb: peakRss / 1024 / 1024,
  };
}

/** The same rows, one prepared INSERT per table, 1,000 per transaction, into a plain file with the same schema. */
function rawInsert(source: Cache, dir: string): { seconds: number; rows: number } {
  const target = new Database(join(dir, 'raw.db'));
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = NORMAL');
  target.pragma('foreign_keys = ON');
  runMigrations(target, MIGRATIONS);
  let seconds = 0;
  let rows = 0;
  for (const table of ROW_TABLES) {
    const columns = (source.db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
    const insert = target.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`);
    const write = target.transaction((batch: unknown[][]) => {
      for (const row of batch) insert.run(...row);
    });
    let batch: unknown[][] = [];
    const flush = (): void => {
      const t = performance.now();
      write(batch);
      seconds += (performance.now() - t) / 1000;
      rows += batch.length;
      batch = [];
    };
    // Reading the source is not timed: only the inserts are the baseline.
    for (const row of source.db
      .prepare(`SELECT ${columns.join(',')} FROM ${table}`)
      .raw()
      .iterate()) {
      batch.push(row as unknown[]);
      if (batch.length === 1000) flush();
    }
    if (batch.length) flush();
  }
  target.close();
  return { seconds, rows };
}

const dir = mkdtempSync(join(tmpdir(), 'lethe-bench-sync-'));
const sim = await startSimChild();
emit({
  step: 'simulator',
  size,
  process: 'child',
  note: 'the simulator runs in a child process so its CPU and memory are not in the stall and RSS figures',
});
try {
  const encrypted = openCache({ path: join(dir, 'encrypted.db'), key: KEY });
  const enc = await syncOnce(sim, encrypted);
  emit({ step: 'sync encrypted', ...round(enc) });

  // Let the first run's garbage go before the second, so neither pays for the other.
  (globalThis as { gc?: () => void }).gc?.();
  const plainCache = openCache({ path: join(dir, 'plain.db'), key: KEY, unencryptedForBenchmarkOnly: true });
  const plain = await syncOnce(sim, plainCache);
  emit({ step: 'sync unencrypted (bench-only option)', ...round(plain) });
  plainCache.close();

  const raw = rawInsert(encrypted, dir);
  emit({
    step: 'raw insert, plain file, same schema',
    rows: raw.rows,
    seconds: +raw.seconds.toFixed(2),
    rowsPerSec: Math.round(raw.rows / raw.seconds),
  });
  encrypted.close();

  const requestsPer1000 = (enc.requests / enc.tickets) * 1000;
  const projectedRequests = requestsPer1000 * 1000;
  emit({
    bench: 'sync',
    size,
    simulator: 'child process',
    tickets: enc.tickets,
    rows: enc.rows,
    seconds: +enc.seconds.toFixed(1),
    tickets_per_s: Math.round(enc.tickets / enc.seconds),
    rows_per_s: Math.round(enc.rows / enc.seconds),
    raw_insert_rows_per_s: Math.round(raw.rows / raw.seconds),
    ratio_to_raw_insert: +(enc.rows / enc.seconds / (raw.rows / raw.seconds)).toFixed(3),
    encrypted_over_plain: +(plain.seconds / enc.seconds).toFixed(3),
    requests: enc.requests,
    requests_per_1000_tickets: +requestsPer1000.toFixed(2),
    projected_hours_1m_tickets_at_10_per_min: +(projectedRequests / 10 / 60).toFixed(1),
    max_event_loop_stall_ms: +enc.maxStallMs.toFixed(1),
    p99_event_loop_delay_ms: +enc.p99StallMs.toFixed(1),
    peak_rss_mb: Math.round(enc.peakRssMb),
    counted_tables: COUNTED_TABLES.length,
    targets: {
      ratio_to_raw_insert: 0.5,
      encrypted_over_plain: 0.75,
      requests_per_1000_tickets: 7,
      max_event_loop_stall_ms: 100,
      peak_rss_mb: 500,
    },
  });
} finally {
  sim.child.removeAllListeners('exit');
  sim.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

function round(f: RunFigures): Record<string, number> {
  return {
    seconds: +f.seconds.toFixed(1),
    requests: f.requests,
    tickets: f.tickets,
    rows: f.rows,
    rowsPerSec: Math.round(f.rows / f.seconds),
    maxStallMs: +f.maxStallMs.toFixed(1),
    p99StallMs: +f.p99StallMs.toFixed(1),
    peakRssMb: Math.round(f.peakRssMb),
  };
}
