import type { CoreServices } from '../services';
import { Journal } from './journal';
import { JOURNAL_MIGRATIONS } from './migrations';

const journals = new WeakMap<object, Journal>();

/**
 * The workspace's journal. The store is opened by the cache manager (same key, never reset) with
 * the cache's `synchronous = NORMAL`; the journal switches its connection to FULL, because a commit
 * lost to a power cut could be an operation we believe planned that was in fact sent.
 */
export async function openJournal(services: CoreServices, workspaceId: string): Promise<Journal> {
  const store = await services.caches.openStore(workspaceId, 'journal', JOURNAL_MIGRATIONS);
  const existing = journals.get(store);
  if (existing) return existing;
  store.db.pragma('synchronous = FULL');
  const journal = new Journal(store.db);
  journals.set(store, journal);
  return journal;
}
