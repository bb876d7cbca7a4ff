/**
 * Subjects on the `medium` dataset (20,000 users, 100,000 tickets, ~500,000 comments), in one run:
 * - search_p95_ms: 1,000 mixed type-ahead queries (exact and prefix emails, secondary emails,
 *   phones in four shapes and the national form, name prefixes with and without accents,
 *   external ids, comment words), each through the contract router as a face calls it;
 * - dossier_p95_ms: the 20 subjects with the most ticket roles, five times each;
 * - archive_mb_per_s / archive_over_copy: an access archive through `archives.export` for a real
 *   subject of the cache whose attachments were given 500 MB of local copies, over a plain copy
 *   (read, write, fsync) of the same files in the same run; archive_peak_rss_growth_mb.
 *
 * The cache is filled by the sync engine (SyncService over HTTP from the simulator). The
 * simulator's users export does not side-load identities (Zendesk's does), so they are fetched
 * afterwards with users/show_many?include=identities and written through the db write API.
 *
 *   npm run bench -- subjects      (or: node --expose-gc --import tsx bench/subjects.ts [size])
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { applyUsersPage, setAttachmentLocalPath, type IdentityRecord, type UserRecord } from '../src/main/core/db';
import { stmt } from '../src/main/core/db/sqlite';
import { createRouter } from '../src/main/core/router/router';
import { createArchiveHandlers, createSubjectHandlers, updateMentionIndex } from '../src/main/core/subjects';
import { createSyncHarness } from '../src/main/core/sync/testing/harness';
import { mergeContract } from '../src/shared/contract/define';
import { archiveOperations } from '../src/shared/contract/groups/archives';
import { subjectOperations } from '../src/shared/contract/groups/subjects';
import { startSimulator } from '../src/sim';

const size = (process.argv[2] ?? 'medium') as 'tiny' | 'small' | 'medium';
const MB = 1024 * 1024;
const ARCHIVE_BYTES = 500 * MB;
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));
const round = (n: number) => Math.round(n * 100) / 100;
const p95 = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0);
};

const sim = await startSimulator({ size, seed: 11, noLimits: true });
const h = await createSyncHarness({ simulator: sim, sync: { perPage: 1000 } });
const t0 = performance.now();
const status = await h.syncNow();
if (status.outcome !== 'done') throw new Error(`sync failed: ${JSON.stringify(status.error)}`);
const syncSeconds = (performance.now() - t0) / 1000;
const services = h.ctx.core.services;
const cache = await services.caches.open(h.workspaceId);
const db = cache.db;

// Identities, 100 users per request, as Zendesk's export would have side-loaded them.
const t1 = performance.now();
const ds = sim.dataset;
const auth = `Basic ${Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64')}`;
for (let from = 0; from < ds.userCount; from += 100) {
  const ids = Array.from({ length: Math.min(100, ds.userCount - from) }, (_, k) => ds.userId(from + k));
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
emit({
  bench: 'subjects:setup',
  size,
  sync_s: round(syncSeconds),
  identities_s: round(identitySeconds),
  mention_index_s: round(mentionIndexSeconds),
  comments_indexed: indexed,
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
const queries: string[] = [];
const words = ['invoice', 'refund', 'password', 'delivery', 'account', 'parcel', 'address', 'billing', 'cancel', 'erase'];
for (let k = 0; queries.length < 1000; k++) {
  const i = 2 + ((k * 7919) % (ds.userCount - 2));
  const email = ds.primaryEmail(i);
  const phone = ds.phone(i);
  const name = ds.displayName(i).trim();
  switch (k % 10) {
    case 0:
      if (email) queries.push(email);
      break;
    case 1:
      if (email) queries.push(email.slice(0, 5));
      break;
    case 2:
      if (ds.secondaryEmail(i)) queries.push(ds.secondaryEmail(i)!);
      break;
    case 3:
      if (phone) queries.push(ds.formatPhone(phone, k % 4));
      break;
    case 4:
      if (phone) queries.push(`0${phone.replace(/^\+\d{2}/, '').slice(0, 7)}`);
      break;
    case 5:
      queries.push(name.split(/\s+/)[0]!.slice(0, 3));
      break;
    case 6:
      queries.push(name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());
      break;
    case 7:
      queries.push(`crm-${i}`);
      break;
    case 8:
      queries.push(words[k % words.length]!);
      break;
    default:
      queries.push(name.slice(0, 1 + (k % 6)));
  }
}
for (const q of queries.slice(0, 50)) await call('subjects.search', { workspaceId: h.workspaceId, query: q });
const searchMs: number[] = [];
for (const q of queries) {
  const start = performance.now();
  await call('subjects.search', { workspaceId: h.workspaceId, query: q });
  searchMs.push(performance.now() - start);
}

const heaviest = stmt(db, 'SELECT user_id FROM participants GROUP BY user_id ORDER BY count(*) DESC LIMIT 20').pluck().all() as number[];
const dossierMs: number[] = [];
let largest = 0;
for (let round5 = 0; round5 < 5; round5++) {
  for (const userId of heaviest) {
    const start = performance.now();
    const d = (await call('subjects.show', { workspaceId: h.workspaceId, ref: `subj_${userId}` })) as { tickets: unknown[] };
    dossierMs.push(performance.now() - start);
    largest = Math.max(largest, d.tickets.length);
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

// Baseline: a plain copy of the same files (read, write, fsync), same run.
const copyStart = performance.now();
for (const path of paths) {
  const target = `${path}.copy`;
  await pipeline(createReadStream(path, { highWaterMark: 256 * 1024 }), createWriteStream(target));
  const handle = await open(target, 'r+');
  await handle.sync();
  await handle.close();
}
const copySeconds = (performance.now() - copyStart) / 1000;
for (const path of paths) await rm(`${path}.copy`);

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
const set = await h.ctx.call('settings.set', { informationSheet: sheet });
if (!set.ok) throw new Error(set.error.message);
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 10);
const archiveStart = performance.now();
const record = (await call('archives.export', { workspaceId: h.workspaceId, ref: `subj_${subject}`, kind: 'access' })) as {
  size: number;
  attachments: number;
};
const archiveSeconds = (performance.now() - archiveStart) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());

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
  dossier_largest_tickets: largest,
  archive_attachment_mb: round(bytes / MB),
  archive_attachments: record.attachments,
  archive_mb_per_s: round(archiveRate),
  copy_mb_per_s: round(copyRate),
  archive_over_copy: round(archiveRate / copyRate),
  archive_peak_rss_growth_mb: round((peak - baseline) / MB),
  targets: { search_p95_ms: 30, dossier_p95_ms: 150, archive_over_copy: 0.5, archive_peak_rss_growth_mb: 150 },
});
await rm(work, { recursive: true, force: true });
await h.dispose();
await sim.close();
