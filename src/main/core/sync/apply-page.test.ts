import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { applyTicketsPage, openCache, readSyncState, type Cache } from '../db';
import { makeTicket, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { PageTransaction, pageSlices, type PagePlan } from './apply-page';

let cache: Cache | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  cache?.close();
  tmp?.cleanup();
});

/** One page written in one go (a single slice). */
const wholePage =
  <T>(db: Cache['db'], plan: PagePlan<T>) =>
  (): void => {
    for (const slice of pageSlices(db, plan, Number.POSITIVE_INFINITY)) slice();
  };

/** Writes the pages into one PageTransaction and commits it. */
function commitPages(db: Cache['db'], pages: ReadonlyArray<() => void>): void {
  const transaction = new PageTransaction(db);
  for (const page of pages) transaction.write(page);
  transaction.commit();
}

const ticketsPage = (db: Cache['db'], ids: number[], cursor: string, deleted: number[] = []) =>
  wholePage(db, {
    items: ids.map((id) => makeTicket(id)),
    write: (items, checkpoint) => applyTicketsPage(db, items, { ...checkpoint, resource: 'tickets' }),
    deletions: { resource: 'tickets', records: deleted.map((id) => ({ id, at: '2024-01-01T00:00:00Z' })) },
    checkpoint: { cursor, endOfStream: false },
  });

it('commits several pages in one transaction; the stored position is the last page of the transaction', () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  applyTicketsPage(db, [makeTicket(999)], { cursor: 'before' });
  commitPages(db, [ticketsPage(db, [1, 2, 3], 'p1'), ticketsPage(db, [4, 5], 'p2', [999]), ticketsPage(db, [6], 'p3')]);
  expect(readSyncState(db, 'tickets')?.cursor).toBe('p3');
  expect(db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(6);
  expect(db.prepare('SELECT count(*) FROM tickets WHERE id = 999').pluck().get()).toBe(0);
});

it('a page that fails to write rolls back the whole transaction: rows and position together', () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  applyTicketsPage(db, [makeTicket(999)], { cursor: 'before' });
  const failing = (): void => {
    throw new Error('write failed');
  };
  expect(() => commitPages(db, [ticketsPage(db, [1, 2], 'p1'), failing])).toThrow('write failed');
  expect(readSyncState(db, 'tickets')?.cursor).toBe('before');
  expect(db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(1);
});

it('an empty page still stores its position', () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  commitPages(db, [
    wholePage(db, {
      items: [],
      write: (items, checkpoint) => applyTicketsPage(db, items, { ...checkpoint, resource: 'tickets' }),
      deletions: { resource: 'tickets', records: [] },
      checkpoint: { cursor: 'end', endOfStream: true },
    }),
  ]);
  expect(readSyncState(db, 'tickets')).toMatchObject({ cursor: 'end' });
  expect(readSyncState(db, 'tickets')?.lastSuccessAt).not.toBeNull();
});

it('stays open across awaits, so another connection sees nothing until the commit', async () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const reader = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY, readonly: true });
  try {
    const transaction = new PageTransaction(cache.db);
    transaction.write(ticketsPage(cache.db, [1, 2], 'p1'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    transaction.write(ticketsPage(cache.db, [3], 'p2'));
    expect(transaction.open).toBe(true);
    expect(reader.db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(0);
    transaction.commit();
    expect(transaction.open).toBe(false);
    expect(reader.db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(3);
    expect(readSyncState(reader.db, 'tickets')?.cursor).toBe('p2');
  } finally {
    reader.close();
  }
});

it('a rollback drops every page written since the transaction opened', () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  applyTicketsPage(db, [makeTicket(999)], { cursor: 'before' });
  const transaction = new PageTransaction(db);
  transaction.write(ticketsPage(db, [1, 2], 'p1'));
  transaction.rollback();
  expect(transaction.open).toBe(false);
  expect(db.inTransaction).toBe(false);
  expect(readSyncState(db, 'tickets')?.cursor).toBe('before');
  expect(db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(1);
  // Safe twice, and a later write opens a fresh transaction.
  transaction.rollback();
  transaction.write(ticketsPage(db, [7], 'p7'));
  transaction.commit();
  expect(readSyncState(db, 'tickets')?.cursor).toBe('p7');
});

it('a page cut into slices writes every item once, counts them once, and applies its deletions last', () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  applyTicketsPage(db, [makeTicket(999)], { cursor: 'before' });
  const itemsBefore = readSyncState(db, 'tickets')?.items ?? 0;
  const slices = pageSlices(
    db,
    {
      items: [1, 2, 3, 4, 5, 6, 7].map((id) => makeTicket(id)),
      write: (items, checkpoint) => applyTicketsPage(db, items, { ...checkpoint, resource: 'tickets' }),
      deletions: { resource: 'tickets', records: [{ id: 999, at: '2024-01-01T00:00:00Z' }] },
      checkpoint: { cursor: 'p1', endOfStream: false },
    },
    3,
  );
  expect(slices).toHaveLength(3);
  const transaction = new PageTransaction(db);
  for (const slice of slices) transaction.write(slice);
  transaction.commit();
  expect(db.prepare('SELECT id FROM tickets ORDER BY id').pluck().all()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(readSyncState(db, 'tickets')).toMatchObject({ cursor: 'p1', items: itemsBefore + 7 });
});
