/**
 * The simulator's own cost: start-up per size, the first incremental page (which builds the lazy
 * export order), steady export pages, a ticket-events page, a ground-truth scan, and memory.
 * One JSON line per measurement, then the summary.
 *
 *   npx tsx bench/sim-dataset.ts [sizes]     (default "medium,large"; e.g. "tiny,small,medium")
 */
import { performance } from 'node:perf_hooks';
import { startSimulator, type DatasetSize } from '../src/sim/index';

const sizes = (process.argv[2] ?? 'medium,large').split(',') as DatasetSize[];
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));
const mb = (): number => Math.round(process.memoryUsage().rss / 1e6);
const summary: Record<string, unknown> = { bench: 'sim-dataset' };

for (const size of sizes) {
  const t0 = performance.now();
  const sim = await startSimulator({ size, seed: 7, noLimits: true });
  const startMs = performance.now() - t0;
  emit({ size, metric: 'start_ms', value: Math.round(startMs), rss_mb: mb() });
  const auth = { Authorization: `Basic ${Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64')}` };
  const get = async (path: string): Promise<Record<string, unknown>> => {
    const r = await fetch(`${sim.url}${path}`, { headers: auth });
    if (r.status !== 200) throw new Error(`${path} -> ${r.status}`);
    return (await r.json()) as Record<string, unknown>;
  };
  try {
    let t = performance.now();
    let page = await get('/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000');
    const firstMs = performance.now() - t;
    emit({ size, metric: 'first_ticket_export_page_ms', value: Math.round(firstMs), rss_mb: mb() });
    let fetched = 0;
    let tickets = 0;
    t = performance.now();
    for (let k = 0; k < 10 && !page.end_of_stream; k++) {
      page = await get(`/api/v2/incremental/tickets/cursor.json?cursor=${String(page.after_cursor)}`);
      fetched++;
      tickets += (page.tickets as unknown[]).length;
    }
    const elapsed = performance.now() - t;
    const perPage = fetched ? elapsed / fetched : 0;
    if (fetched)
      emit({ size, metric: 'ticket_export_page_ms', value: Math.round(perPage), tickets_per_s: Math.round(tickets / (elapsed / 1000)) });
    t = performance.now();
    await get('/api/v2/incremental/users/cursor.json?start_time=0&per_page=1000');
    emit({ size, metric: 'first_user_export_page_ms', value: Math.round(performance.now() - t) });
    t = performance.now();
    await get('/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events');
    emit({ size, metric: 'ticket_events_page_ms', value: Math.round(performance.now() - t) });
    t = performance.now();
    await get(`/api/v2/users/${sim.dataset.userId(sim.dataset.spec.agents + 10)}/tickets/requested.json`);
    emit({ size, metric: 'requested_tickets_scan_ms', value: Math.round(performance.now() - t) });
    if (size !== 'large') {
      t = performance.now();
      sim.groundTruth(sim.dataset.userId(sim.dataset.spec.agents + 10));
      emit({ size, metric: 'ground_truth_ms', value: Math.round(performance.now() - t) });
    }
    emit({ size, metric: 'rss_mb', value: mb() });
    summary[`${size}_start_ms`] = Math.round(startMs);
    summary[`${size}_first_page_ms`] = Math.round(firstMs);
    summary[`${size}_page_ms`] = Math.round(perPage);
  } finally {
    await sim.close();
  }
}
summary.rss_mb = mb();
emit(summary);
