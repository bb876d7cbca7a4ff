/**
 * The large account (issue #14), in one run; one JSON line per part, then the summary
 * `{"bench":"scale",...}`.
 *
 * 1. cold_subject_seconds / cold_subject_api_calls: a NEVER-synced workspace on the `large`
 *    simulator (1,000,000 tickets) at the simulator's default limits (700 requests a minute, 10
 *    exports a minute) and the client's default scheduler; the end user whose tickets are nearest
 *    150 (on several roles) is looked up by e-mail with `sync.subjectFirst` until the look ends.
 *    The floor is what no look can go under: one user search, one identities call, one ticket list
 *    and one comments call per ticket (Zendesk has no bulk comment read outside the export).
 * 2. On a synced workspace of SIZE (default large): search p95 over 1,000 queries of every kind,
 *    dossier p95 (the 20 heaviest subjects, five times each), the cache's bytes per ticket with the
 *    WAL folded in. The sync's peak RSS and worst event-loop stall are measured when this bench
 *    builds the workspace (and kept with it); a reused workspace reports the build's figures.
 * 3. large_register_dashboard_ms: 10,000 requests imported into the register, p95 of 30 dashboards
 *    on an unchanged register and of 30 each after a write (the worse of the two; both reported).
 *    `npm run bench -- scale dashboard` runs this part alone on an empty workspace (~1 min).
 *
 * The synced workspace is kept under tmpdir()/lethe-bench-cache/ and reused (see bench/README.md):
 * its one-time build runs the simulator WITHOUT rate limits (a 1M sync at 10 exports a minute takes
 * about ten hours); only part 1 runs at the default limits. A workspace of an older schema version
 * (e.g. the `subjects` bench's) is reused too: opening the copy migrates it.
 *
 *   npm run bench -- scale [size]      (size of the synced workspace: large by default; medium, small)
 *   LETHE_SCALE_COLD=medium            (dataset of part 1; large by default)
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stmt } from '../src/main/core/db/sqlite';
import { RateLimitScheduler } from '../src/main/core/helpdesk';
import { createRouter } from '../src/main/core/router/router';
import { createSubjectHandlers } from '../src/main/core/subjects';
import { createSyncHarness } from '../src/main/core/sync/testing/harness';
import { mergeContract } from '../src/shared/contract/define';
import { subjectOperations } from '../src/shared/contract/groups/subjects';
import type { SubjectLook } from '../src/shared/schemas/subject-first';
import { startSimulator, type DatasetSize } from '../src/sim';
import { Dataset } from '../src/sim/dataset';
import {
  BENCH_CACHE_ROOT as root,
  BENCH_SEED as SEED,
  buildWorkspace,
  loadAt,
  openWorkspaceCopy,
  p95,
  parseWorkspaceDirName,
  readWorkspaceMeta,
  round,
  SCHEMA_VERSION,
  SEARCH_KINDS as KIND_NAMES,
  searchQueries,
  workspaceDirName,
  type CacheMeta,
} from './_workspace';

const size = (process.argv[2] ?? 'large') as DatasetSize;
const coldSize = (process.env.LETHE_SCALE_COLD ?? 'large') as DatasetSize;
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

// ---------------------------------------------------------------------------------------------
// 1. A subject on a never-synced large account, at the default limits

async function coldSubject() {
  const ds = new Dataset(SEED, coldSize);
  const roles = new Map<number, { n: number; kinds: Set<string> }>();
  for (let ti = 0; ti < ds.ticketCount; ti++) {
    const h = ds.ticketHead(ti);
    const by: Array<[number, string]> = [
      [h.requester, 'requester'],
      [h.submitter, 'submitter'],
      ...h.ccs.map((u): [number, string] => [u, 'cc']),
      ...h.followers.map((u): [number, string] => [u, 'follower']),
    ];
    const seen = new Set<number>();
    for (const [u, kind] of by) {
      if (ds.isAgentIndex(u)) continue;
      const e = roles.get(u) ?? { n: 0, kinds: new Set() };
      e.kinds.add(kind);
      if (!seen.has(u)) e.n += 1;
      seen.add(u);
      roles.set(u, e);
    }
  }
  const [index, picked] = [...roles.entries()]
    .filter(([u, e]) => e.kinds.size >= 3 && ds.primaryEmail(u))
    .sort((a, b) => Math.abs(a[1].n - 150) - Math.abs(b[1].n - 150))[0]!;
  const email = ds.primaryEmail(index)!;

  const sim = await startSimulator({ size: coldSize, seed: SEED });
  // The client's own scheduler at its defaults (700 a minute, the export's 10 a minute).
  const h = await createSyncHarness({
    simulator: sim,
    sync: { transport: { scheduler: new RateLimitScheduler(), maxAttempts: 5, backoff: { baseMs: 1000, capMs: 60_000 } } },
  });
  const load = loadAt();
  const t0 = performance.now();
  const look = await h.call<SubjectLook>('sync.subjectFirst', { workspaceId: h.workspaceId, email });
  const seconds = (performance.now() - t0) / 1000;
  const tickets = look.surfaces.filter((s) => s.id.startsWith('tickets.')).reduce((n, s) => n + s.items, 0);
  const distinctTickets = (await h.ctx.core.services.caches.open(h.workspaceId)).db
    .prepare('SELECT count(*) FROM tickets')
    .pluck()
    .get() as number;
  const floor = 1 + 1 + 1 + distinctTickets;
  const line = {
    bench: 'scale:cold_subject',
    dataset: coldSize,
    subject_tickets_by_heads: picked.n,
    subject_roles: [...picked.kinds],
    outcome: look.outcome,
    missing: look.missing,
    tickets_found: distinctTickets,
    ticket_role_hits: tickets,
    comments: look.surfaces.find((s) => s.id === 'comments')?.items ?? 0,
    seconds: round(seconds),
    api_calls: h.requests.length,
    api_calls_by_look: look.apiCalls,
    api_calls_floor: floor,
    per_surface: Object.fromEntries(look.surfaces.map((s) => [s.id, { items: s.items, calls: s.calls, state: s.state }])),
    load_average_at_start: load,
  };
  emit(line);
  await h.dispose();
  await sim.close();
  return line;
}

// ---------------------------------------------------------------------------------------------
// 2. A synced workspace of `size`, built once and reused

/** This bench's own workspace, else one the `subjects` bench left of the same size and seed (any older schema). */
async function findCache(): Promise<{ dir: string; meta: CacheMeta } | null> {
  if (process.env.LETHE_BENCH_FRESH === '1') return null;
  const names = await readdir(root).catch(() => [] as string[]);
  const candidates = names
    .map((name) => ({ name, w: parseWorkspaceDirName(name) }))
    .filter(
      (c): c is { name: string; w: NonNullable<typeof c.w> } => c.w !== null && c.w.size === size && c.w.schemaVersion <= SCHEMA_VERSION,
    )
    .sort((a, b) => b.w.schemaVersion - a.w.schemaVersion || Number(b.w.builtBy === 'scale') - Number(a.w.builtBy === 'scale'));
  for (const c of candidates) {
    // No meta.json: an interrupted build.
    const meta = await readWorkspaceMeta(join(root, c.name));
    if (meta) return { dir: join(root, c.name), meta };
  }
  return null;
}

async function buildCache(): Promise<{ dir: string; meta: CacheMeta }> {
  const dir = join(root, workspaceDirName(size, 'scale'));
  return { dir, meta: await buildWorkspace(size, dir) };
}

// ---------------------------------------------------------------------------------------------
// 3. The register dashboard with 10,000 requests

type CoreCall = (
  name: string,
  input: unknown,
) => Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;

async function registerDashboard(callCore: CoreCall) {
  const TYPES = ['access', 'erasure', 'rectification', 'portability', 'restriction', 'objection'];
  const REGS = ['GDPR', 'UK_GDPR', 'CCPA', 'LGPD'];
  const REQUESTS = 10_000;
  const importStart = performance.now();
  for (let from = 0; from < REQUESTS; from += 2_500) {
    const rows = ['type,regulation,channel,receivedAt,requesterEmail'];
    for (let k = from; k < Math.min(REQUESTS, from + 2_500); k++) {
      const received = new Date(Date.now() - (1 + (k % 360)) * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
      rows.push(`${TYPES[k % TYPES.length]},${REGS[k % REGS.length]},email,${received},person${k}@example.test`);
    }
    const r = await callCore('requests.importCsv', { csv: `${rows.join('\n')}\n`, dryRun: false });
    if (!r.ok) throw new Error(`import: ${r.error.code} ${r.error.message}`);
    const done = r.value as { imported: number; errors: unknown[] };
    if (done.imported === 0) throw new Error(`import: ${JSON.stringify(done.errors.slice(0, 3))}`);
  }
  const importSeconds = (performance.now() - importStart) / 1000;
  const dashboardMs: number[] = [];
  let openCount = 0;
  const load = loadAt();
  for (let k = 0; k < 33; k++) {
    const start = performance.now();
    const r = await callCore('requests.dashboard', {});
    if (!r.ok) throw new Error(`dashboard: ${r.error.message}`);
    if (k >= 3) dashboardMs.push(performance.now() - start);
    openCount = (r.value as { open: number }).open;
  }
  // The same after each of 30 writes (a status change): the register is read again, only the
  // changed request's dates are derived again, and the figures are summed anew.
  const listed = await callCore('requests.list', { includeUnverified: true });
  if (!listed.ok) throw new Error(`list: ${listed.error.message}`);
  const someIds = (listed.value as { requests: Array<{ id: string }> }).requests.slice(0, 30).map((r) => r.id);
  const afterChangeMs: number[] = [];
  for (const id of someIds) {
    const changed = await callCore('requests.setStatus', { id, status: 'in_progress' });
    if (!changed.ok) throw new Error(`setStatus: ${changed.error.message}`);
    const start = performance.now();
    const r = await callCore('requests.dashboard', {});
    if (!r.ok) throw new Error(`dashboard: ${r.error.message}`);
    afterChangeMs.push(performance.now() - start);
  }
  return {
    register_dashboard_ms: Math.max(p95(dashboardMs), p95(afterChangeMs)),
    register_dashboard_unchanged_p95_ms: p95(dashboardMs),
    register_dashboard_after_change_p95_ms: p95(afterChangeMs),
    register_dashboard_median_ms: round([...dashboardMs].sort((a, b) => a - b)[Math.floor(dashboardMs.length / 2)] ?? 0),
    register_requests: REQUESTS,
    register_open: openCount,
    register_import_s: round(importSeconds),
    load_average_dashboard: load,
  };
}

// `npm run bench -- scale dashboard`: part 3 alone, on an empty workspace (the register does not
// depend on the helpdesk cache), in about a minute.
if (process.argv[2] === 'dashboard') {
  const h = await createSyncHarness();
  const figures = await registerDashboard((name, input) => h.ctx.core.router.call(name as never, input) as never);
  emit({ bench: 'scale', part: 'dashboard', ...figures, load_average_end: loadAt(), targets: { register_dashboard_ms: 100 } });
  await h.dispose();
  process.exit(0);
}

// `npm run bench -- scale medium search`: part 2's search alone, with its p95 per kind of query.
const only = process.argv[3];
const cold = only === undefined ? await coldSubject() : null;
// Part 1 walks the whole large dataset in memory and runs a simulator in this process: collect
// what it left before part 2 measures, as the build does (_workspace.ts), and say how much it was.
const heapBeforeMb = process.memoryUsage().heapUsed / 2 ** 20;
(globalThis as { gc?: () => void }).gc?.();
const heapAfterMb = process.memoryUsage().heapUsed / 2 ** 20;

const found = await findCache();
const { dir: cacheDir, meta } = found ?? (await buildCache());
const workspace = await openWorkspaceCopy(cacheDir, meta, 'lethe-bench-scale-data-');
const { core, services, cache, db, workspaceId } = workspace;
const ds = new Dataset(SEED, size);
emit({
  bench: 'scale:workspace',
  size,
  workspace_cache: found ? 'reused' : 'built',
  workspace_cache_dir: cacheDir,
  from_schema: meta.schemaVersion,
  heap_before_part_2_mb: { part_1_left: round(heapBeforeMb), after_gc: round(heapAfterMb) },
  ...meta.setup,
});

const router = createRouter(mergeContract(subjectOperations), createSubjectHandlers(services), services.log);
const call = async (name: string, input: unknown) => {
  const result = await router.call(name as never, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
};

const { queries, kinds: kindOf } = searchQueries(ds);
const searchLoad = loadAt();
for (const q of queries.slice(0, 50)) await call('subjects.search', { workspaceId, query: q });
const searchMs: number[] = [];
// CPU time beside wall time: on this shared 2-core machine the load average swings from 2 to 20,
// and CPU time shows what the code costs whatever the neighbours do.
const searchCpuMs: number[] = [];
for (const q of queries) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await call('subjects.search', { workspaceId, query: q });
  const used = process.cpuUsage(cpu);
  searchMs.push(performance.now() - start);
  searchCpuMs.push((used.user + used.system) / 1000);
}
const searchLine = {
  size,
  [`${size}_search_p95_ms`]: p95(searchMs),
  [`${size}_search_p95_cpu_ms`]: p95(searchCpuMs),
  p95_ms_by_kind: Object.fromEntries(KIND_NAMES.map((kind) => [kind, p95(searchMs.filter((_, i) => kindOf[i] === kind))])),
  p95_cpu_ms_by_kind: Object.fromEntries(KIND_NAMES.map((kind) => [kind, p95(searchCpuMs.filter((_, i) => kindOf[i] === kind))])),
  load_average_at_start: searchLoad,
  load_average_end: loadAt(),
};
emit({ bench: 'scale:search', ...searchLine });
if (only === 'search') {
  emit({ bench: 'scale', part: 'search', ...searchLine, targets: { search_p95_ms: 30 } });
  await workspace.dispose();
  process.exit(0);
}
const heaviest = stmt(db, 'SELECT user_id FROM participants GROUP BY user_id ORDER BY count(*) DESC LIMIT 20').pluck().all() as number[];
const dossierMs: number[] = [];
let largest = 0;
for (let r = 0; r < 5; r++) {
  for (const userId of heaviest) {
    const start = performance.now();
    const d = (await call('subjects.show', { workspaceId, ref: `subj_${userId}` })) as { pages: { tickets: { total: number } } };
    dossierMs.push(performance.now() - start);
    largest = Math.max(largest, d.pages.tickets.total);
  }
}
db.pragma('wal_checkpoint(TRUNCATE)');
const tickets = stmt(db, 'SELECT count(*) FROM tickets').pluck().get() as number;
const bytes = (await stat(cache.path)).size + ((await stat(`${cache.path}-wal`).catch(() => null))?.size ?? 0);

const register = await registerDashboard((name, input) => core.router.call(name as never, input) as never);
const setup = meta.setup as Record<string, number | string | null>;
emit({
  bench: 'scale',
  size,
  cold_dataset: coldSize,
  cold_subject_seconds: cold?.seconds ?? null,
  cold_subject_outcome: cold?.outcome ?? null,
  cold_subject_tickets: cold?.tickets_found ?? null,
  cold_subject_api_calls: cold?.api_calls ?? null,
  cold_subject_api_calls_floor: cold?.api_calls_floor ?? null,
  [`${size}_search_p95_ms`]: p95(searchMs),
  [`${size}_dossier_p95_ms`]: p95(dossierMs),
  [`${size}_dossier_largest_tickets`]: largest,
  [`${size}_sync_peak_rss_mb`]: setup.sync_peak_rss_mb ?? null,
  [`${size}_sync_max_event_loop_stall_ms`]: setup.sync_max_event_loop_stall_ms ?? null,
  sync_worst_stall_run_queue_ms: setup.sync_worst_stall_run_queue_ms ?? null,
  sync_worst_stall_on_cpu_ms: setup.sync_worst_stall_on_cpu_ms ?? null,
  sync_worst_stall_user_ms: setup.sync_worst_stall_user_ms ?? null,
  sync_worst_stall_kernel_ms: setup.sync_worst_stall_kernel_ms ?? null,
  sync_worst_stall_page_faults: setup.sync_worst_stall_page_faults ?? null,
  sync_worst_stall_at_s: setup.sync_worst_stall_at_s ?? null,
  sync_longest_main_gc: setup.sync_longest_main_gc ?? null,
  sync_max_stall_minus_run_queue_wait_ms: setup.sync_max_stall_minus_run_queue_wait_ms ?? null,
  [`${size}_sync_memory_at_peak_mb`]: setup.sync_memory_at_peak_mb ?? null,
  sync_figures_from: setup.built_at ? `this bench's build of ${setup.built_at}` : 'not measured (workspace built by the subjects bench)',
  [`${size}_cache_bytes_per_ticket`]: Math.round(bytes / tickets),
  [`${size}_tickets`]: tickets,
  [`${size}_register_dashboard_ms`]: register.register_dashboard_ms,
  register_requests: register.register_requests,
  register_open: register.register_open,
  register_import_s: register.register_import_s,
  load_average_search: searchLoad,
  load_average_end: loadAt(),
  targets: {
    cold_subject_seconds: 60,
    search_p95_ms: 30,
    dossier_p95_ms: 150,
    sync_peak_rss_mb: 500,
    sync_max_event_loop_stall_ms: 100,
    register_dashboard_ms: 100,
  },
});
await workspace.dispose();
