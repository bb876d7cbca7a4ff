/**
 * The sync crash test's victim: syncs a cache from a simulator and prints one line per committed
 * page ("ack <resource> <ids>") so the parent knows what was acknowledged before it SIGKILLs us.
 * Run: node --import tsx crash-child.ts <db path> <simulator url> <email> <per page>
 * (key in LETHE_TEST_DB_KEY, API token in LETHE_TEST_API_TOKEN: never in argv)
 */
import { openCache } from '../../db';
import { RateLimitScheduler, ZendeskClient } from '../../helpdesk';
import { runSync } from '../run-sync';

const [path, url, email, perPage] = process.argv.slice(2);
const key = process.env.LETHE_TEST_DB_KEY ?? '';
const token = process.env.LETHE_TEST_API_TOKEN ?? '';
const cache = openCache({ path: path ?? '', key });
const client = new ZendeskClient(
  { baseUrl: url ?? '', email: email ?? '', token },
  { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }) },
);
const result = await runSync({
  db: cache.db,
  source: { transport: client.transport },
  signal: new AbortController().signal,
  perPage: Number(perPage),
  onPage: (resource, page) => process.stdout.write(`ack ${resource} ${page.ids().join(',')}\n`),
});
process.stdout.write(`finished ${result.outcome}\n`);
cache.close();
