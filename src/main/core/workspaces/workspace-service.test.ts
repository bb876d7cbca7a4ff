import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../../../../test/support/core';
import { startListener, type Listener } from '../../../../test/support/listener';
import { EnvironmentSecretStore } from '../secrets/environment-store';
import { MemorySecretStore, secretAccounts } from '../secrets/secret-store';

const TOKEN = 'zd-token-5ecret-value-1234567890';
let ctx: TestCore | undefined;
const listeners: Listener[] = [];
afterEach(async () => {
  await ctx?.dispose();
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function listener(): Promise<Listener> {
  const l = await startListener();
  listeners.push(l);
  return l;
}

async function allFileText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')));
  return texts.join('\n');
}

describe('workspaces', () => {
  it('keeps the token in the secret store only, never in the config file or a reply', async () => {
    ctx = await createTestCore();
    const created = await ctx.call('workspaces.create', {
      name: 'Acme',
      address: { subdomain: 'Acme-EU' },
      email: 'dpo@acme.example',
      apiToken: TOKEN,
    });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.value).toMatchObject({ baseUrl: 'https://acme-eu.zendesk.com', hasToken: true, kind: 'zendesk' });
    expect(await ctx.secrets.get(secretAccounts.apiToken(created.value.id))).toBe(TOKEN);
    const list = await ctx.call('workspaces.list', {});
    expect(JSON.stringify(list)).not.toContain(TOKEN);
    expect(JSON.stringify(created)).not.toContain(TOKEN);
    expect(await allFileText(ctx.dataDir)).not.toContain(TOKEN);
    if (process.platform !== 'win32') {
      expect((await stat(join(ctx.dataDir, 'lethe.json'))).mode & 0o777).toBe(0o600);
    }
  });

  it('updates, selects and removes, deleting the keychain entries', async () => {
    ctx = await createTestCore();
    const a = await ctx.call('workspaces.create', {
      name: 'A',
      address: { baseUrl: 'https://a.example' },
      email: 'a@a.example',
      apiToken: TOKEN,
    });
    const b = await ctx.call('workspaces.create', {
      name: 'B',
      address: { baseUrl: 'http://127.0.0.1:9' },
      email: 'b@b.example',
      apiToken: `${TOKEN}b`,
    });
    if (!a.ok || !b.ok) throw new Error('create failed');
    expect((await ctx.call('workspaces.list', {})) as unknown).toMatchObject({ ok: true, value: { activeId: b.value.id } });
    await ctx.call('workspaces.select', { id: a.value.id });
    const renamed = await ctx.call('workspaces.update', { id: a.value.id, name: 'A prime' });
    expect(renamed).toMatchObject({ ok: true, value: { name: 'A prime' } });
    expect(await ctx.call('workspaces.remove', { id: a.value.id })).toEqual({ ok: true, value: { removed: true } });
    expect(await ctx.secrets.get(secretAccounts.apiToken(a.value.id))).toBeNull();
    const after = await ctx.call('workspaces.list', {});
    expect(after).toMatchObject({ ok: true, value: { activeId: b.value.id } });
    expect(await ctx.call('workspaces.remove', { id: a.value.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses plain http except on loopback, and URLs with paths or credentials, changing nothing', async () => {
    ctx = await createTestCore();
    for (const baseUrl of [
      'http://acme.example',
      'https://user:pw@acme.example',
      'https://acme.example/api',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      const result = await ctx.call('workspaces.create', { name: 'X', address: { baseUrl }, email: 'x@x.example', apiToken: TOKEN });
      expect(result, baseUrl).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await ctx.call('workspaces.list', {})).toEqual({ ok: true, value: { workspaces: [], activeId: null } });
  });

  it('writes nothing to the config when the keychain refuses the token', async () => {
    const failing = {
      kind: 'keychain' as const,
      get: async () => null,
      set: async () => {
        const { keychainUnavailable } = await import('../secrets/secret-store');
        throw keychainUnavailable(new Error('no Secret Service'));
      },
      delete: async () => false,
      probe: async () => false,
    };
    ctx = await createTestCore({ secrets: failing });
    const result = await ctx.call('workspaces.create', { name: 'A', address: { subdomain: 'a' }, email: 'a@a.example', apiToken: TOKEN });
    expect(result).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
    expect(await ctx.call('workspaces.list', {})).toEqual({ ok: true, value: { workspaces: [], activeId: null } });
    expect(await ctx.call('app.info', {})).toMatchObject({ ok: true, value: { keychain: 'unavailable' } });
  });

  it('settings merge patches and keep defaults', async () => {
    ctx = await createTestCore();
    const set = await ctx.call('settings.set', { organizationName: 'Acme', informationSheet: { purposes: 'Support' } });
    expect(set).toMatchObject({
      ok: true,
      value: { organizationName: 'Acme', theme: 'system', informationSheet: { purposes: 'Support', rights: '' } },
    });
    const again = await ctx.call('settings.set', { theme: 'dark' });
    expect(again).toMatchObject({
      ok: true,
      value: { organizationName: 'Acme', theme: 'dark', informationSheet: { purposes: 'Support' } },
    });
  });

  it('refuses a time zone that is not an IANA zone, changing nothing', async () => {
    ctx = await createTestCore();
    expect(await ctx.call('settings.set', { timeZone: 'Mars/Olympus_Mons' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await ctx.call('settings.set', { timeZone: 'Europe/Dublin' })).toMatchObject({ ok: true, value: { timeZone: 'Europe/Dublin' } });
  });

  it('says the demo is unavailable when no simulator was wired in', async () => {
    ctx = await createTestCore();
    expect(await ctx.call('demo.start', {})).toMatchObject({ ok: false, error: { code: 'demo_unavailable' } });
  });

  describe('a new address or agent needs the token again', () => {
    async function created(baseUrl: string) {
      const result = await ctx!.call('workspaces.create', { name: 'A', address: { baseUrl }, email: 'dpo@a.example', apiToken: TOKEN });
      if (!result.ok) throw new Error(result.error.message);
      return result.value.id;
    }

    // Scheme, host and port: each names another server. (https → http is possible on loopback only.)
    for (const [label, from, to] of [
      ['port', (l: Listener) => l.url.replace(/:\d+$/, ':9'), (l: Listener) => l.url],
      ['host', (l: Listener) => l.url.replace('127.0.0.1', 'localhost'), (l: Listener) => l.url],
      ['scheme', (l: Listener) => l.url.replace('http:', 'https:'), (l: Listener) => l.url],
    ] as const) {
      it(`drops the stored token when the ${label} changes: no request with it reaches the new address`, async () => {
        ctx = await createTestCore();
        const attacker = await listener();
        const id = await created(from(attacker));
        const moved = await ctx.call('workspaces.update', { id, address: { baseUrl: to(attacker) } });
        expect(moved).toMatchObject({ ok: true, value: { baseUrl: to(attacker), hasToken: false } });
        expect(await ctx.secrets.get(secretAccounts.apiToken(id))).toBeNull();
        const tested = await ctx.call('workspaces.testConnection', { id });
        expect(tested).toMatchObject({ ok: false, error: { code: 'secret_missing', details: { reason: 'token_reentry_required' } } });
        expect(await ctx.call('sync.start', { workspaceId: id })).toMatchObject({ ok: false, error: { code: 'secret_missing' } });
        expect(attacker.sawToken(TOKEN)).toBe(false);
        expect(attacker.received).toEqual([]);
      });
    }

    it('drops the stored token when the agent e-mail changes, and takes a token entered again', async () => {
      ctx = await createTestCore();
      const helpdesk = await listener();
      const id = await created(helpdesk.url);
      expect(await ctx.call('workspaces.update', { id, email: 'someone.else@a.example' })).toMatchObject({
        ok: true,
        value: { email: 'someone.else@a.example', hasToken: false },
      });
      expect(await ctx.call('workspaces.testConnection', { id })).toMatchObject({ ok: false, error: { code: 'secret_missing' } });
      expect(helpdesk.received).toEqual([]);
      // Entering the token again is what lets requests go out, with the token given now.
      const again = `${TOKEN}-again`;
      expect(await ctx.call('workspaces.update', { id, apiToken: again })).toMatchObject({ ok: true, value: { hasToken: true } });
      expect(await ctx.call('workspaces.testConnection', { id })).toMatchObject({ ok: true, value: { ok: false } });
      expect(helpdesk.sawToken(again)).toBe(true);
      expect(helpdesk.sawToken(TOKEN)).toBe(false);
    });

    it('keeps the token for a rename or an unchanged address, and takes a new address with a new token at once', async () => {
      ctx = await createTestCore();
      const helpdesk = await listener();
      const id = await created(helpdesk.url);
      expect(await ctx.call('workspaces.update', { id, name: 'B', address: { baseUrl: `${helpdesk.url}/` } })).toMatchObject({
        ok: true,
        value: { name: 'B', hasToken: true },
      });
      const other = await listener();
      const fresh = `${TOKEN}-other`;
      expect(await ctx.call('workspaces.update', { id, address: { baseUrl: other.url }, apiToken: fresh })).toMatchObject({
        ok: true,
        value: { hasToken: true },
      });
      await ctx.call('workspaces.testConnection', { id });
      expect(other.sawToken(fresh)).toBe(true);
      expect(other.sawToken(TOKEN)).toBe(false);
    });

    it('holds with a token from LETHE_API_TOKEN too: the environment cannot be deleted, so the workspace asks for it', async () => {
      ctx = await createTestCore({ secrets: new EnvironmentSecretStore({ apiToken: TOKEN }, new MemorySecretStore()) });
      const helpdesk = await listener();
      const attacker = await listener();
      const id = await created(helpdesk.url);
      await ctx.call('workspaces.update', { id, address: { baseUrl: attacker.url } });
      expect(await ctx.call('workspaces.list', {})).toMatchObject({ ok: true, value: { workspaces: [{ id, hasToken: false }] } });
      expect(await ctx.call('workspaces.testConnection', { id })).toMatchObject({ ok: false, error: { code: 'secret_missing' } });
      expect(attacker.received).toEqual([]);
      // Whoever types the environment's token again knows it already.
      expect(await ctx.call('workspaces.update', { id, apiToken: TOKEN })).toMatchObject({ ok: true, value: { hasToken: true } });
      await ctx.call('workspaces.testConnection', { id });
      expect(attacker.sawToken(TOKEN)).toBe(true);
    });
  });
});
