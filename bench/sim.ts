/**
 * The helpdesk client against the simulator: the ticket cursor export at 1,000 per page, N pages.
 * For every page it times the client (fetch, JSON.parse, zod validation, page bookkeeping) and, in
 * the same run, a raw fetch + JSON.parse of the same cursor, so the client's own cost per page is
 * the difference; it also times the validation alone on the raw page. One JSON line per
 * measurement, then the summary.
 *
 *   npx tsx bench/sim.ts [pages]      (default 20; env BENCH_PAGES also works)
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { ZendeskClient } from '../src/main/core/helpdesk/client';
import { RateLimitScheduler } from '../src/main/core/helpdesk/scheduler';
import { IncrementalCursorPageMeta, Ticket } from '../src/main/core/helpdesk/schemas';
import { basicAuthHeader } from '../src/main/core/helpdesk/test-connection';
import { startSimulator } from '../src/sim/index';

const pages = Number(process.argv[2] ?? process.env.BENCH_PAGES ?? 20);
const PER_PAGE = 1000;
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

const sim = await startSimulator({ port: 0, size: 'medium', seed: 7, noLimits: true });
try {
  const credentials = { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token };
  const scheduler = new RateLimitScheduler({ requestsPerMinute: 1e9, exportRequestsPerMinute: 1e9 });
  const client = new ZendeskClient(credentials, { scheduler });
  const authorization = basicAuthHeader(credentials);
  const pageSchema = z.object({ tickets: z.array(Ticket) });

  async function rawPage(
    cursor: string | null,
  ): Promise<{ fetchMs: number; parseMs: number; validateMs: number; body: Record<string, unknown> }> {
    const url = new URL('/api/v2/incremental/tickets/cursor', sim.url);
    url.searchParams.set('per_page', String(PER_PAGE));
    if (cursor === null) url.searchParams.set('start_time', '0');
    else url.searchParams.set('cursor', cursor);
    const t0 = performance.now();
    const response = await fetch(url, { headers: { Authorization: authorization, Accept: 'application/json' } });
    const text = await response.text();
    const t1 = performance.now();
    if (!response.ok) throw new Error(`raw fetch: HTTP ${response.status}`);
    const body = JSON.parse(text) as Record<string, unknown>;
    const t2 = performance.now();
    IncrementalCursorPageMeta.parse(body);
    pageSchema.parse(body);
    const t3 = performance.now();
    return { fetchMs: t1 - t0, parseMs: t2 - t1, validateMs: t3 - t2, body };
  }

  // Warm-up: JIT, keep-alive connections, zod's compiled paths.
  await rawPage(null);
  await client.exportTickets({ startTime: 0, perPage: PER_PAGE }).next();

  const iterator = client.exportTickets({ startTime: 0, perPage: PER_PAGE });
  let cursor: string | null = null;
  const totals = { client: 0, fetch: 0, parse: 0, validate: 0, items: 0, pages: 0 };
  for (let i = 0; i < pages; i++) {
    const raw = await rawPage(cursor);
    const t0 = performance.now();
    const next = await iterator.next();
    const clientMs = performance.now() - t0;
    if (next.done) break;
    const page = next.value;
    if (page.items.length !== (raw.body.tickets as unknown[]).length) throw new Error('raw and client pages differ');
    totals.client += clientMs;
    totals.fetch += raw.fetchMs;
    totals.parse += raw.parseMs;
    totals.validate += raw.validateMs;
    totals.items += page.items.length;
    totals.pages++;
    emit({
      measure: 'page',
      page: i + 1,
      items: page.items.length,
      client_ms: round(clientMs),
      raw_fetch_ms: round(raw.fetchMs),
      raw_json_parse_ms: round(raw.parseMs),
      validate_ms: round(raw.validateMs),
    });
    cursor = page.afterCursor;
    if (page.endOfStream || cursor === null) break;
  }
  const n = Math.max(1, totals.pages);
  emit({
    bench: 'sim',
    pages: totals.pages,
    items: totals.items,
    per_page: PER_PAGE,
    pages_per_s: round((totals.pages / totals.client) * 1000),
    sim_ms_per_page: round(totals.fetch / n),
    raw_json_parse_ms_per_page: round(totals.parse / n),
    validate_ms_per_page: round(totals.validate / n),
    client_ms_per_page: round(totals.client / n),
    client_overhead_ms_per_page: round((totals.client - totals.fetch - totals.parse) / n),
    requests: scheduler.stats().requests,
  });
} finally {
  await sim.close();
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
