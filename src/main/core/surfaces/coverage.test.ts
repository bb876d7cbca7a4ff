import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SURFACE_IDS } from '../../../shared/schemas/surfaces';
import { openCache, type Cache } from '../db';
import { tempDir, TEST_KEY } from '../db/testing/fixtures';
import { HelpdeskError, HelpdeskForbiddenError, HelpdeskNotFoundError } from '../helpdesk';
import { coverageOf } from './coverage';
import { lookOne } from './look';
import { saveLook } from './store';
import type { SurfaceDefinition } from './types';

let cache: Cache;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('lethe-surfaces-');
  cache = openCache({ path: join(tmp.dir, 'c.db'), key: TEST_KEY });
});
afterEach(() => {
  cache.close();
  tmp.cleanup();
});

const summary = {
  accounts: 1,
  identities: 2,
  organizations: 0,
  tickets: 3,
  ticketsByRole: {},
  comments: 4,
  attachments: 5,
  attachmentBytes: 0,
  attachmentsByType: [],
  mentions: 1,
} as never;

it('lists every known surface once, synced ones with the cache time, unread ones with the reason and no count', () => {
  const rows = coverageOf(cache.db, 7, { summary, dataAsOf: '2026-01-01T00:00:00.000Z' });
  expect(rows.map((r) => r.surface)).toEqual([...SURFACE_IDS]);
  expect(rows.find((r) => r.surface === 'tickets')).toMatchObject({ searched: true, items: 3, asOf: '2026-01-01T00:00:00.000Z' });
  expect(rows.find((r) => r.surface === 'comments')?.items).toBe(5);
  for (const r of rows.filter((x) => !x.searched)) {
    expect(r.items).toBeNull();
    expect(r.reason).not.toBeNull();
  }
});

it('a stored failed look is "not searched" with its reason, never zero items', () => {
  saveLook(cache.db, 7, { surface: 'tickets', searched: false, asOf: '2026-02-01T00:00:00.000Z', reason: 'error', detail: 'x' });
  // A look under another person's id changes nothing for this one.
  expect(coverageOf(cache.db, 8, { summary, dataAsOf: null }).find((r) => r.surface === 'tickets')?.searched).toBe(true);
});

const failing = (error: unknown): SurfaceDefinition => ({
  id: 'suspended_tickets',
  label: 'x',
  read: 'on_demand',
  look: () => Promise.reject(error),
});

it('classifies what still fails after the client’s retries: 403 permission, 404 not enabled, the rest error', async () => {
  const now = () => new Date('2026-03-01T00:00:00.000Z');
  const keys = { userIds: [1], emails: [], phones: [], names: [], ticketIds: [] };
  const client = {} as never;
  expect(await lookOne(failing(new HelpdeskForbiddenError('GET /x')), client, keys, now)).toMatchObject({
    searched: false,
    reason: 'permission',
  });
  expect(await lookOne(failing(new HelpdeskNotFoundError('GET /x')), client, keys, now)).toMatchObject({
    searched: false,
    reason: 'not_enabled',
  });
  expect(await lookOne(failing(new HelpdeskError('helpdesk_error', 'boom', 'GET /x', 500)), client, keys, now)).toMatchObject({
    searched: false,
    reason: 'error',
  });
});
