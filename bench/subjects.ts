/**
 * Subjects on the `medium` dataset (20,000 users, 100,000 tickets, ~500,000 comments), in one run:
 * - search_p95_ms: 1,000 mixed type-ahead queries (exact and prefix emails, secondary emails,
 *   phones in four shapes and the national form, name prefixes with and without accents,
 *   external ids, comment words), each through the contract router as a face calls it;
 * - dossier_p95_ms: the 20 subjects with the most ticket roles, five times each, first page of each list;
 * - archive_mb_per_s / archive_over_copy: an access archive through `archives.export` for a real
 *   subject of the cache whose attachments were given 500 MB of local copies, over a kernel copy
 *   (fs.copyFile, fsync) of the same files in the same run; archive_peak_rss_growth_mb;
 * - zip_stream / yazl: our ZIP writer and yazl on the same files, same sink (subjects-zip.ts).
 *
 * The first run (or a run after a schema change, or with LETHE_BENCH_FRESH=1) syncs and keeps the
 * result under tmpdir()/lethe-bench-cache/ (bench/_workspace.ts, shared with the `scale` bench);
 * later runs start from a copy of it.
 *
 *   npm run bench -- subjects      (or: node --expose-gc --import tsx bench/subjects.ts [size])
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setAttachmentLocalPath } from '../src/main/core/db';
import { stmt } from '../src/main/core/db/sqlite';
import { createRouter } from '../src/main/core/router/router';
import { createArchiveHandlers, createSubjectHandlers } from '../src/main/core/subjects';
import { mergeContract } from '../src/shared/contract/define';
import { archiveOperations } from '../src/shared/contract/groups/archives';
import { subjectOperations } from '../src/shared/contract/groups/subjects';
import { Dataset } from '../src/sim/dataset';
import { copyBaseline, yazlWriter, zipStreamWriter } from './subjects-zip';
import {
  BENCH_CACHE_ROOT,
  BENCH_SEED as SEED,
  buildWorkspace,
  openWorkspaceCopy,
  p95,
  readWorkspaceMeta,
  round,
  SCHEMA_VERSION,
  searchQueries,
  workspaceDirName,
} from './_workspace';

const size = (process.argv[2] ?? 'medium') as 'tiny' | 'small' | 'medium';
const MB = 1024 * 1024;
const ARCHIVE_BYTES = 500 * MB;
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

/**
 * The synced workspace is kept between runs under tmpdir()/lethe-bench-cache/<size>-<seed>-v<schema>/
 * (bench/_workspace.ts), because the sync of `medium` takes minutes on a loaded machine. A cache of
 * another seed, size or schema version is never reused; `LETHE_BENCH_FRESH=1` forces a rebuild.
 * Each run works on its own copy, so the attachment paths and sizes the archive part writes never
 * leak into the next run.
 */
const cacheDir = join(BENCH_CACHE_ROOT, workspaceDirName(size, 'subjects'));

async function readCacheMeta() {
  if (process.env.LETHE_BENCH_FRESH === '1') return null;
  const meta = await readWorkspaceMeta(cacheDir);
  return meta && meta.size === size && meta.seed === SEED && meta.schemaVersion === SCHEMA_VERSION ? meta : null;
}

const cached = await readCacheMeta();
const meta = cached ?? (await buildWorkspace(size, cacheDir));
const copyCacheStart = performance.now();
const workspace = await openWorkspaceCopy(cacheDir, meta, 'lethe-bench-subjects-data-');
const { core, services, db, workspaceId } = workspace;
const ds = new Dataset(SEED, size);
emit({
  bench: 'subjects:setup',
  size,
  workspace_cache: cached ? 'reused' : 'built',
  workspace_cache_dir: cacheDir,
  schema_version: SCHEMA_VERSION,
  seed: SEED,
  copy_cache_s: round((performance.now() - copyCacheStart) / 1000),
  ...meta.setup,
});

const router = createRouter(
  mergeContract(subjectOperations, archiveOperations),
  { ...createSubjectHandlers(services), ...createArchiveHandlers(services) },
  services.log,
);
const call = async (name: string, input: unknown) => {
  const result = await router.call(name as never, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value;
};

// 1,000 mixed queries, drawn deterministically from the dataset.
const { queries } = searchQueries(ds);
for (const q of queries.slice(0, 50)) await call('subjects.search', { workspaceId, query: q });
const searchMs: number[] = [];
for (const q of queries) {
  const start = performance.now();
  await call('subjects.search', { workspaceId, query: q });
  searchMs.push(performance.now() - start);
}

const heaviest = stmt(db, 'SELECT user_id FROM participants GROUP BY user_id ORDER BY count(*) DESC LIMIT 20').pluck().all() as number[];
const dossierMs: number[] = [];
const dossierCpuMs: number[] = [];
let largest = 0;
for (let round5 = 0; round5 < 5; round5++) {
  for (const userId of heaviest) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    // The first page of every list, as the Dossier page opens it.
    const d = (await call('subjects.show', { workspaceId, ref: `subj_${userId}` })) as { pages: { tickets: { total: number } } };
    dossierMs.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    dossierCpuMs.push((used.user + used.system) / 1000);
    largest = Math.max(largest, d.pages.tickets.total);
  }
}

// The archive: the end user who uploaded the most attachments gets 500 MB of local copies of
// their own uploads (the only attachments an archive carries), so both sides move the same bytes.
const subject = stmt(
  db,
  `SELECT c.author_id FROM attachments a JOIN comments c ON c.id = a.comment_id JOIN users u ON u.id = c.author_id AND u.role = 'end-user'
    GROUP BY c.author_id ORDER BY count(*) DESC LIMIT 1`,
)
  .pluck()
  .get() as number;
const attachmentIds = stmt(db, 'SELECT a.id FROM attachments a JOIN comments c ON c.id = a.comment_id WHERE c.author_id = ? ORDER BY a.id')
  .pluck()
  .all(subject) as number[];
const work = await mkdtemp(join(tmpdir(), 'lethe-bench-subjects-'));
const filesDir = join(work, 'attachments');
await mkdir(filesDir);
const block = randomBytes(4 * MB);
const per = Math.ceil(ARCHIVE_BYTES / attachmentIds.length);
const paths: string[] = [];
for (const [n, id] of attachmentIds.entries()) {
  const path = join(filesDir, `${id}.bin`);
  const handle = await open(path, 'w');
  for (let written = 0; written < per; written += block.length) {
    const chunk = block.subarray(0, Math.min(block.length, per - written));
    chunk[0] = n & 0xff;
    await handle.write(chunk);
  }
  await handle.sync();
  await handle.close();
  setAttachmentLocalPath(db, id, path);
  stmt(db, "UPDATE attachments SET size = ?, content_type = 'application/pdf' WHERE id = ?").run(per, id);
  paths.push(path);
}
const bytes = per * attachmentIds.length;

// Baseline: the same files copied by the kernel (fs.copyFile) and fsynced, same run.
const copy = await copyBaseline(paths, bytes);
const copySeconds = copy.wall_s;

const sheet = {
  purposes: 'Support.',
  categories: 'Contact data.',
  recipients: 'Processor.',
  retention: 'Three years.',
  rights: 'All.',
  complaint: 'Authority.',
  source: 'You.',
  automatedDecisions: 'None.',
};
const set = await core.router.call('settings.set', { informationSheet: sheet });
if (!set.ok) throw new Error(set.error.message);
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 10);
const archiveCpu = process.cpuUsage();
const archiveStart = performance.now();
const record = (await call('archives.export', { workspaceId, ref: `subj_${subject}`, kind: 'access' })) as {
  size: number;
  attachments: number;
};
const archiveSeconds = (performance.now() - archiveStart) / 1000;
const archiveCpuUsed = process.cpuUsage(archiveCpu);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());

// The two ZIP writers on the same attachments (stored, as the archive stores PDFs), same sink.
const zipDir = join(work, 'zips');
await mkdir(zipDir);
const zipStream = await zipStreamWriter(paths, bytes, zipDir);
const yazlZip = await yazlWriter(paths, bytes, zipDir);

const archiveRate = bytes / MB / archiveSeconds;
const copyRate = bytes / MB / copySeconds;
emit({
  bench: 'subjects',
  size,
  queries: queries.length,
  search_p95_ms: p95(searchMs),
  search_max_ms: round(Math.max(...searchMs)),
  dossier_p95_ms: p95(dossierMs),
  dossier_max_ms: round(Math.max(...dossierMs)),
  dossier_cpu_p95_ms: p95(dossierCpuMs),
  dossier_largest_tickets: largest,
  archive_attachment_mb: round(bytes / MB),
  archive_attachments: record.attachments,
  archive_mb_per_s: round(archiveRate),
  copy_mb_per_s: round(copyRate),
  archive_over_copy: round(archiveRate / copyRate),
  archive_wall_s: round(archiveSeconds),
  archive_cpu_s: round((archiveCpuUsed.user + archiveCpuUsed.system) / 1e6),
  copy_wall_s: copy.wall_s,
  copy_cpu_s: copy.cpu_s,
  copy_method: 'fs.copyFile + fsync',
  zip_stream: zipStream,
  yazl: yazlZip,
  yazl_over_zip_stream: round(yazlZip.mb_per_s / zipStream.mb_per_s),
  load_average: os.loadavg().map(round),
  archive_peak_rss_growth_mb: round((peak - baseline) / MB),
  targets: { search_p95_ms: 30, dossier_p95_ms: 150, archive_over_copy: 0.5, archive_peak_rss_growth_mb: 150 },
});
await rm(work, { recursive: true, force: true });
await workspace.dispose();
