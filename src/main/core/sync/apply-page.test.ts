import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { applyTicketsPage, openCache, readSyncState, type Cache } from '../db';
import { makeTicket, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { commitPages, writePage } from './apply-page';

let cache: Cache | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  cache?.close();
  tmp?.cleanup();
});

const ticketsPage =
  (db: Cache['db'], ids: number[], cursor: string, deleted: number[] = []) =>
  () =>
    writePage(db, {
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
    () =>
      writePage(db, {
        items: [],
        write: (items, checkpoint) => applyTicketsPage(db, items, { ...checkpoint, resource: 'tickets' }),
        deletions: { resource: 'tickets', records: [] },
        checkpoint: { cursor: 'end', endOfStream: true },
      }),
  ]);
  expect(readSyncState(db, 'tickets')).toMatchObject({ cursor: 'end' });
  expect(readSyncState(db, 'tickets')?.lastSuccessAt).not.toBeNull();
});
