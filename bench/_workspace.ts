/**
 * The synced workspace the `subjects` and `scale` benches share (not a bench: files starting with
 * `_` are helpers): built once by the sync engine from the simulator WITHOUT rate limits, kept under
 * tmpdir()/lethe-bench-cache/<name>/ (a closed, checkpointed copy of the data directory, and the
 * secrets the memory store held, in meta.json), and opened later from a copy of its own per run, so
 * nothing a run writes leaks into the next. A copy of an older schema is migrated when opened.
 *
 * The simulator's users export does not side-load identities (Zendesk's does), so they are fetched
 * after the sync with users/show_many?include=identities and written through the db write API.
 * The build measures the sync as the app runs it (SyncService: a worker thread) with the
 * simulator in a child process: the peak RSS of this process (the worker's memory
 * is in it, the simulator's is not) and the worst stall of the main thread, which plays the UI's.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyUsersPage, type IdentityRecord, type UserRecord } from '../src/main/core/db';
import { latestVersion, MIGRATIONS } from '../src/main/core/db/migrations';
import { createCore } from '../src/main/core/create-core';
import { createMemoryLogger } from '../src/main/core/log/logger';
import { MemorySecretStore, secretAccounts } from '../src/main/core/secrets/secret-store';
import { updateMentionIndex } from '../src/main/core/subjects';
import { RateLimitScheduler } from '../src/main/core/helpdesk';
import { SyncService } from '../src/main/core/sync/sync-service';
import type { DatasetSize } from '../src/sim';
import { DATASET_ID_SCHEME, type Dataset } from '../src/sim/dataset';
import { createTestCore } from '../test/support/core';
import { trackPeakMemory } from './_memory';
import { startSimChild } from './_sim-child';
import { watchStalls } from './_stall';

export const BENCH_SEED = 11;
export const SCHEMA_VERSION = latestVersion(MIGRATIONS);
export const BENCH_CACHE_ROOT = join(tmpdir(), 'lethe-bench-cache');

/**
 * A kept workspace's folder under BENCH_CACHE_ROOT: `[scale-]<size>-<seed>-ids<id scheme>-v<schema>`,
 * `scale-` for the `scale` bench's own builds. One seed and one id numbering of the simulator only:
 * a workspace synced from other ids is never taken for this one.
 */
export function workspaceDirName(size: string, builtBy: 'subjects' | 'scale'): string {
  return `${builtBy === 'scale' ? 'scale-' : ''}${size}-${BENCH_SEED}-ids${DATASET_ID_SCHEME}-v${SCHEMA_VERSION}`;
}

/** What a folder name says, or null when it is not a workspace of this seed and id numbering. */
export function parseWorkspaceDirName(name: string): { size: string; builtBy: 'subjects' | 'scale'; schemaVersion: number } | null {
  const m = /^(scale-)?(\w+)-(\d+)-ids(\d+)-v(\d+)$/.exec(name);
  if (!m || Number(m[3]) !== BENCH_SEED || Number(m[4]) !== DATASET_ID_SCHEME) return null;
  return { size: m[2]!, builtBy: m[1] ? 'scale' : 'subjects', schemaVersion: Number(m[5]) };
}

export const round = (n: number): number => Math.round(n * 100) / 100;
export const p95 = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0);
};
export const loadAt = (): number[] => os.loadavg().map(round);

export interface CacheMeta {
  size: string;
  seed: number;
  schemaVersion: number;
  workspaceId: string;
  secrets: Record<string, string>;
  setup: Record<string, unknown>;
}

/** The workspace kept in `dir`, or null when there is none (or only an interrupted build: no meta.json). */
export async function readWorkspaceMeta(dir: string): Promise<CacheMeta | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as CacheMeta;
  } catch {
    return null;
  }
}

/** Syncs the simulator's `size` dataset into a new workspace and keeps it in `dir` (replacing what was there). */
export async function buildWorkspace(size: DatasetSize, dir: string): Promise<CacheMeta> {
  const sim = await startSimChild(size, BENCH_SEED);
  const ctx = await createTestCore();
  // What ran before in this process is garbage by now but still on the heap until a major GC: the
  // scale bench's part 1 walks the 1M-ticket dataset in memory (139.6 MB of main heap at the
  // build's RSS peak, 2026-12-06). The app's main thread holds nothing like it, so collect it
  // here and let the peak and the stall be the sync's.
  (globalThis as { gc?: () => void }).gc?.();
  const memory = trackPeakMemory(250);
  // The app's path: SyncService runs the sync in a worker thread while this main thread plays the
  // one that serves the UI (its stall is measured). Without the side-conversation index fill that
  // follows a sync in the app: it reads at most 30% of the account's advertised 700 a minute (the
  // simulator advertises it even without limits), 5,000 tickets in about 24 minutes of waiting,
  // and nothing these benches measure reads the index.
  const service = new SyncService(ctx.core.services, {
    perPage: 1000,
    indexFill: false,
    workerMemory: { everyMs: 1000, report: memory.onWorkerMemory },
    transport: { scheduler: new RateLimitScheduler({ requestsPerMinute: 1e9, exportRequestsPerMinute: 1e9 }), timeoutMs: 120_000 },
  });
  const created = await ctx.call('workspaces.create', {
    name: 'Simulator',
    address: { baseUrl: sim.url },
    email: sim.email,
    apiToken: sim.token,
  });
  if (!created.ok) throw new Error(`workspace: ${created.error.message}`);
  const workspaceId = created.value.id;
  const stalls = watchStalls();
  const load = loadAt();
  const t0 = performance.now();
  await service.start(workspaceId);
  const result = await service.wait(workspaceId);
  const peak = memory.stop();
  const stall = stalls.stop();
  if (result?.outcome !== 'done') throw new Error(`sync failed: ${JSON.stringify(result?.error)}`);
  const syncSeconds = (performance.now() - t0) / 1000;
  const db = (await ctx.core.services.caches.open(workspaceId)).db;

  // Identities, 100 users per request, as Zendesk's export would have side-loaded them.
  const t1 = performance.now();
  const userIds = db.prepare('SELECT id FROM users ORDER BY id').pluck().all() as number[];
  const auth = `Basic ${Buffer.from(`${sim.email}/token:${sim.token}`).toString('base64')}`;
  for (let from = 0; from < userIds.length; from += 100) {
    const ids = userIds.slice(from, from + 100);
    const response = await fetch(`${sim.url}/api/v2/users/show_many.json?ids=${ids.join(',')}&include=identities`, {
      headers: { Authorization: auth },
    });
    const body = (await response.json()) as { users: UserRecord[]; identities?: IdentityRecord[] };
    applyUsersPage(db, body.users, body.identities ?? [], {});
  }
  const identitySeconds = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  const indexed = updateMentionIndex(db);
  const mentionIndexSeconds = (performance.now() - t2) / 1000;
  const secrets: Record<string, string> = {};
  for (const account of [secretAccounts.apiToken(workspaceId), secretAccounts.dbKey(workspaceId), secretAccounts.auditKey(workspaceId)]) {
    const value = await ctx.secrets.get(account);
    if (value !== null) secrets[account] = value;
  }
  // Closing checkpoints the WAL, so the copied file is the whole database.
  await service.close();
  await ctx.core.close();
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(ctx.dataDir, join(dir, 'data'), { recursive: true });
  const meta: CacheMeta = {
    size,
    seed: BENCH_SEED,
    schemaVersion: SCHEMA_VERSION,
    workspaceId,
    secrets,
    setup: {
      built_at: new Date().toISOString(),
      sync_s: round(syncSeconds),
      sync_limits: 'none (simulator noLimits: the one-time build)',
      sync_peak_rss_mb: peak.peakRssMb,
      sync_memory_at_peak_mb: peak.atPeak,
      sync_max_event_loop_stall_ms: round(stall.maxMs),
      // What the worst probe drift was made of: time waiting for a CPU, time running, and (the rest)
      // time blocked in the kernel; and the largest drift less its wait for a CPU.
      sync_worst_stall_run_queue_ms: round(stall.worst.runQueueMs),
      sync_worst_stall_on_cpu_ms: round(stall.worst.onCpuMs),
      // The time on a CPU split into user and kernel time (10 ms ticks), and the page faults meanwhile.
      sync_worst_stall_user_ms: stall.worst.userMs,
      sync_worst_stall_kernel_ms: stall.worst.kernelMs,
      sync_worst_stall_page_faults: { minor: stall.worst.minorFaults, major: stall.worst.majorFaults },
      sync_max_stall_minus_run_queue_wait_ms: round(stall.maxOwnMs),
      sync_worst_stall_at_s: stall.worst.atSeconds,
      sync_longest_main_gc: { ...stall.longestGc, ms: round(stall.longestGc.ms) },
      sync_path: 'SyncService: worker thread, no index fill; simulator in a child process',
      identities_s: round(identitySeconds),
      mention_index_s: round(mentionIndexSeconds),
      comments_indexed: indexed,
      load_average_at_start: load,
    },
  };
  // Written last: a workspace without its meta.json is incomplete and rebuilt.
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
  await ctx.dispose();
  sim.close();
  return meta;
}

/** A copy of the kept workspace, opened (and migrated) for one run; `dispose` closes and removes it. */
export async function openWorkspaceCopy(dir: string, meta: CacheMeta, prefix: string) {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(dir, 'data'), dataDir, { recursive: true });
  const secretStore = new MemorySecretStore();
  for (const [account, value] of Object.entries(meta.secrets)) await secretStore.set(account, value);
  const core = await createCore({ dataDir, face: 'cli', secrets: secretStore, log: createMemoryLogger() });
  const cache = await core.services.caches.open(meta.workspaceId);
  return {
    core,
    services: core.services,
    cache,
    db: cache.db,
    workspaceId: meta.workspaceId,
    dataDir,
    dispose: async () => {
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const SEARCH_KINDS = [
  'email',
  'email_prefix',
  'secondary_email',
  'phone',
  'national_phone',
  'name_prefix',
  'full_name',
  'external_id',
  'word',
  'name_start',
] as const;

/**
 * 1,000 mixed type-ahead queries drawn deterministically from the dataset, with their kind:
 * exact and prefix e-mails, secondary e-mails, phones in four shapes and the national form, name
 * prefixes with and without accents, external ids, comment words.
 */
export function searchQueries(ds: Dataset, count = 1000): { queries: string[]; kinds: string[] } {
  const queries: string[] = [];
  const kinds: string[] = [];
  const words = ['invoice', 'refund', 'password', 'delivery', 'account', 'parcel', 'address', 'billing', 'cancel', 'erase'];
  for (let k = 0; queries.length < count; k++) {
    const i = 2 + ((k * 7919) % (ds.userCount - 2));
    const email = ds.primaryEmail(i);
    const phone = ds.phone(i);
    const name = ds.displayName(i).trim();
    const candidates = [
      email,
      email?.slice(0, 5),
      ds.secondaryEmail(i),
      phone ? ds.formatPhone(phone, k % 4) : null,
      phone ? `0${phone.replace(/^\+\d{2}/, '').slice(0, 7)}` : null,
      name.split(/\s+/)[0]!.slice(0, 3),
      name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(),
      `crm-${i}`,
      words[k % words.length],
      name.slice(0, 1 + (k % 6)),
    ];
    const q = candidates[k % 10];
    if (q) {
      queries.push(q);
      kinds.push(SEARCH_KINDS[k % 10]!);
    }
  }
  return { queries, kinds };
}
