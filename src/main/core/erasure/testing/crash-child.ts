/**
 * Test helper run as a child process (npx tsx): runs one prepared erasure from the journal and
 * prints every journal transition as a line `T <kind> <from> <to>`, so the parent can SIGKILL it
 * at a chosen point and resume in its own process. Inputs come from the environment; the database
 * key is a throw-away test key, never a real one.
 */
import { openCache } from '../../db';
import { ZendeskClient, RateLimitScheduler } from '../../helpdesk';
import { Journal, JOURNAL_MIGRATIONS } from '../../journal';
import { runErasure } from '../run';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`missing ${name}`);
  return v;
};

const key = env('LETHE_CHILD_KEY');
const journalStore = openCache({ path: env('LETHE_CHILD_JOURNAL'), key, migrations: JOURNAL_MIGRATIONS });
journalStore.db.pragma('synchronous = FULL');
const cache = openCache({ path: env('LETHE_CHILD_CACHE'), key });
const journal = new Journal(journalStore.db);
journal.onTransition((t) => process.stdout.write(`T ${t.kind} ${t.from ?? '-'} ${t.to}\n`));
let requests = 0;
const client = new ZendeskClient(
  { baseUrl: env('LETHE_CHILD_URL'), email: env('LETHE_CHILD_EMAIL'), token: env('LETHE_CHILD_TOKEN') },
  {
    scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }),
    maxAttempts: 3,
    backoff: { baseMs: 5, capMs: 20 },
    onRequest: () => requests++,
  },
);
const hmac = journal.readSetting<string>('erasure.hmacKey') ?? '00'.repeat(32);
const doc = await runErasure({
  journal,
  cache: cache.db,
  client,
  runId: env('LETHE_CHILD_RUN'),
  dataDir: env('LETHE_CHILD_DATA_DIR'),
  workspaceId: env('LETHE_CHILD_WORKSPACE'),
  hmacKey: Buffer.from(hmac, 'hex'),
  requestCount: () => requests,
  pollIntervalMs: Number(process.env.LETHE_CHILD_POLL_MS ?? '50'),
});
process.stdout.write(`END ${doc.plan.state}\n`);
cache.close();
journalStore.close();
