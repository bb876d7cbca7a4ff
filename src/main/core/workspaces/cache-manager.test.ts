import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../../../../test/support/core';
import type { Migration } from '../db';
import { secretAccounts } from '../secrets/secret-store';

const NOTES: Migration[] = [
  { version: 10, name: 'notes', up: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)') },
];

let ctx: TestCore | undefined;
afterEach(async () => ctx?.dispose());

async function workspace(c: TestCore): Promise<string> {
  const created = await c.call('workspaces.create', {
    name: 'A',
    address: { subdomain: 'a' },
    email: 'a@a.example',
    apiToken: 'abcdefgh12345678',
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

describe('CacheManager', () => {
  it('opens the cache and durable stores with one workspace key, and a cache reset keeps the stores', async () => {
    ctx = await createTestCore();
    const id = await workspace(ctx);
    const caches = ctx.core.services.caches;
    const cache = await caches.open(id);
    expect(await caches.open(id)).toBe(cache);
    const register = await caches.openStore(id, 'register', NOTES);
    register.db.prepare('INSERT INTO notes (text) VALUES (?)').run('kept across a cache reset');
    expect(await ctx.secrets.get(secretAccounts.dbKey(id))).toMatch(/^[0-9a-f]{64}$/);

    await caches.reset(id);
    expect(existsSync(caches.pathFor(id))).toBe(false);
    caches.close(id);
    const reopened = await caches.openStore(id, 'register', NOTES);
    expect(reopened.db.prepare('SELECT text FROM notes').all()).toEqual([{ text: 'kept across a cache reset' }]);
  });

  it('refuses to make a new key when a store exists but the key is gone', async () => {
    ctx = await createTestCore();
    const id = await workspace(ctx);
    const caches = ctx.core.services.caches;
    await caches.open(id);
    await caches.openStore(id, 'journal', NOTES);
    caches.close(id);
    await ctx.secrets.delete(secretAccounts.dbKey(id));
    // A cache reset cannot bring the journal back, so the advice must not offer it.
    const refused = await caches.open(id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'db_key_invalid', details: { resetFixes: false, store: 'durable' } });
    expect((refused as Error).message).toContain('does not bring them back');
    expect(await ctx.secrets.get(secretAccounts.dbKey(id))).toBeNull();
  });
});
