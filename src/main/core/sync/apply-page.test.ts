import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { applyTicketsPage, openCache, readSyncState, type Cache, type PageCheckpoint, type TicketRecord } from '../db';
import { makeTicket, tempDir, TEST_KEY } from '../db/testing/fixtures';
import { applyPage } from './apply-page';

let cache: Cache | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  cache?.close();
  tmp?.cleanup();
});

it('writes a page in slices and moves the cursor only with the last one, together with the deletions', async () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  const db = cache.db;
  applyTicketsPage(db, [makeTicket(999)], { cursor: 'before' });
  const tickets = Array.from({ length: 10 }, (_, i) => makeTicket(i + 1));
  const seen: Array<{ size: number; checkpoint: PageCheckpoint; cursor: string | null | undefined }> = [];
  await applyPage(db, {
    items: tickets,
    sliceRows: 4,
    write: (slice: readonly TicketRecord[], checkpoint) => {
      seen.push({ size: slice.length, checkpoint, cursor: readSyncState(db, 'tickets')?.cursor });
      applyTicketsPage(db, slice, { ...checkpoint, resource: 'tickets' });
    },
    deletions: { resource: 'tickets', records: [{ id: 999, at: '2024-01-01T00:00:00Z' }] },
    checkpoint: { cursor: 'after', endOfStream: true },
  });
  expect(seen.map((s) => s.size)).toEqual([4, 4, 2]);
  expect(seen.map((s) => s.cursor)).toEqual(['before', 'before', 'before']);
  expect(seen.map((s) => s.checkpoint.cursor)).toEqual([undefined, undefined, 'after']);
  expect(readSyncState(db, 'tickets')?.cursor).toBe('after');
  expect(db.prepare('SELECT count(*) FROM tickets').pluck().get()).toBe(10);
  expect(db.prepare('SELECT count(*) FROM tickets WHERE id = 999').pluck().get()).toBe(0);
});

it('an empty page still stores its position', async () => {
  tmp = tempDir('lethe-sync-apply-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
  await applyPage(cache.db, {
    items: [],
    sliceRows: 4,
    write: (slice: readonly TicketRecord[], checkpoint) => applyTicketsPage(cache!.db, slice, { ...checkpoint, resource: 'tickets' }),
    deletions: { resource: 'tickets', records: [] },
    checkpoint: { cursor: 'end', endOfStream: true },
  });
  expect(readSyncState(cache.db, 'tickets')).toMatchObject({ cursor: 'end' });
  expect(readSyncState(cache.db, 'tickets')?.lastSuccessAt).not.toBeNull();
});
