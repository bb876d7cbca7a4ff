import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoveryKeyAccount } from '../../src/main/core/backup';
import { createCore, type Core } from '../../src/main/core/create-core';
import { createMemoryLogger } from '../../src/main/core/log/logger';
import { KeychainSecretStore } from '../../src/main/core/secrets/keychain-store';
import { secretAccounts } from '../../src/main/core/secrets/secret-store';
import type { Contract, OperationName } from '../../src/shared/contract';
import type { InputOf, OutputOf } from '../../src/shared/contract/define';
import type { Result } from '../../src/shared/errors';

// Real files, the real OS keychain (a Secret Service in a throw-away D-Bus session under
// scripts/test.mjs), real encrypted SQLite: the two ways a workspace's records are lost.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A keychain of its own: another machine, or this one's, in each test. */
function keychain(): KeychainSecretStore {
  return new KeychainSecretStore(`lethe-test-backup-${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lethe-backup-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Face {
  core: Core;
  call<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<Result<OutputOf<Contract, K>>>;
  must<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<OutputOf<Contract, K>>;
}

async function start(dir: string, secrets: KeychainSecretStore): Promise<Face> {
  const core = await createCore({ dataDir: dir, face: 'cli', secrets, log: createMemoryLogger() });
  cleanup.push(() => core.close());
  const call = ((name: OperationName, input: unknown) => core.router.call(name, input)) as Face['call'];
  return {
    core,
    call,
    async must(name, input) {
      const result = await call(name, input);
      if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}

async function forget(secrets: KeychainSecretStore, ws: string): Promise<void> {
  for (const account of [secretAccounts.apiToken(ws), secretAccounts.dbKey(ws), secretAccounts.auditKey(ws), recoveryKeyAccount(ws)]) {
    await secrets.delete(account);
  }
}

/** A workspace with two requests, a recovery key and its audit trail. */
async function workspaceWithRecords(face: Face, secrets: KeychainSecretStore) {
  const ws = (
    await face.must('workspaces.create', {
      name: 'Acme',
      address: { subdomain: 'acme' },
      email: 'dpo@acme.example',
      apiToken: 'abcdefgh12345678',
    })
  ).id;
  cleanup.push(() => forget(secrets, ws));
  await face.must('settings.set', { organizationName: 'Acme Ltd', timeZone: 'Europe/Berlin' });
  for (const email of ['ada@example.test', 'bo@example.test']) {
    await face.must('requests.create', {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: '2026-11-02T09:30:00+01:00',
      requester: { name: 'Someone', email },
      actor: 'dana',
    });
  }
  const first = await face.must('backup.recoveryKey', { actor: 'dana' });
  expect(first.created).toBe(true);
  expect(first.recoveryKey).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
  const again = await face.must('backup.recoveryKey', {});
  expect(again).toMatchObject({ created: false, recoveryKey: first.recoveryKey });
  return { ws, recoveryKey: first.recoveryKey };
}

async function actions(face: Face): Promise<string[]> {
  return (await face.must('audit.list', { limit: 1000 })).entries.map((e) => e.action);
}

describe('backup and restore onto another machine', () => {
  it('restores the register, audit chain, journal and settings into a fresh data directory with the recovery key', async () => {
    const homeKeychain = keychain();
    const home = await start(await dataDir(), homeKeychain);
    const { ws, recoveryKey } = await workspaceWithRecords(home, homeKeychain);
    expect(await home.call('backup.create', { workspaceId: 'ws_demo0000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const backup = await home.must('backup.create', { actor: 'dana' });
    expect(backup).toMatchObject({ workspaceId: ws, requests: 2 });
    expect(backup.files.map((f) => f.name)).toEqual(expect.arrayContaining(['register.db', 'journal.db']));
    expect(await actions(home)).toContain('backup.created');
    const bytes = await readFile(backup.path);
    // The file is sealed: no requester address, no SQLite header, no key in clear.
    expect(bytes.includes(Buffer.from('ada@example.test'))).toBe(false);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    const dbKey = await homeKeychain.get(secretAccounts.dbKey(ws));
    expect(bytes.includes(Buffer.from(dbKey!))).toBe(false);

    // The new laptop: another data directory, another keychain.
    const laptopKeychain = keychain();
    const laptopDir = await dataDir();
    const laptop = await start(laptopDir, laptopKeychain);
    cleanup.push(() => forget(laptopKeychain, ws));
    const copy = join(laptopDir, '..', `${ws}-copy.lethebak`);
    await writeFile(copy, bytes);
    cleanup.push(() => rm(copy, { force: true }));

    expect(await laptop.must('backup.describe', { path: copy })).toMatchObject({ workspaceId: ws, workspaceName: 'Acme' });

    const wrongKey = (await home.must('backup.recoveryKey', {})).recoveryKey.replace(/^..../, 'ZZZZ');
    expect(await laptop.call('backup.restore', { path: copy, recoveryKey: wrongKey })).toMatchObject({
      ok: false,
      error: { code: 'recovery_key_wrong' },
    });
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 100]! ^= 0x01;
    await writeFile(copy, tampered);
    expect(await laptop.call('backup.restore', { path: copy, recoveryKey })).toMatchObject({
      ok: false,
      error: { code: 'backup_damaged' },
    });
    // Nothing changed: no workspace, no folder, no key in the laptop's keychain.
    expect((await laptop.must('workspaces.list', {})).workspaces).toEqual([]);
    expect(existsSync(join(laptopDir, 'workspaces')) ? await readdir(join(laptopDir, 'workspaces')) : []).toEqual([]);
    expect(await laptopKeychain.get(secretAccounts.dbKey(ws))).toBeNull();

    await writeFile(copy, bytes);
    // Typed by hand: lower case, spaces instead of dashes.
    const restored = await laptop.must('backup.restore', {
      path: copy,
      recoveryKey: recoveryKey.toLowerCase().replace(/-/g, ' '),
      actor: 'eve',
    });
    expect(restored).toMatchObject({ workspaceId: ws, requests: 2, auditChainOk: true, settingsRestored: true });

    const list = await laptop.must('requests.list', { includeUnverified: true });
    expect(list.requests.map((r) => r.reference).sort()).toEqual(['DSR-000001', 'DSR-000002']);
    expect((await laptop.must('settings.get', {})).organizationName).toBe('Acme Ltd');
    expect(await laptop.must('audit.verify', {})).toMatchObject({ ok: true });
    const trail = await actions(laptop);
    expect(trail).toContain('backup.restored');
    expect(trail).toContain('request.created');
    // The recovery key carries over; the API token does not (it is entered again).
    expect(await laptopKeychain.get(recoveryKeyAccount(ws))).toBe(recoveryKey);
    expect((await laptop.must('workspaces.list', {})).workspaces[0]).toMatchObject({ id: ws, hasToken: false });

    // A second restore over the same workspace is refused.
    expect(await laptop.call('backup.restore', { path: copy, recoveryKey })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('refuses a backup before the recovery key exists', async () => {
    const secrets = keychain();
    const face = await start(await dataDir(), secrets);
    const ws = (
      await face.must('workspaces.create', {
        name: 'Acme',
        address: { subdomain: 'acme' },
        email: 'dpo@acme.example',
        apiToken: 'abcdefgh12345678',
      })
    ).id;
    cleanup.push(() => forget(secrets, ws));
    expect(await face.call('backup.create', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await face.must('backup.status', {})).toMatchObject({ hasRecoveryKey: false, keyFile: false });
  });
});

describe('a keychain that lost the workspace key', () => {
  it('is refilled from the key file with the recovery key, and the register reads again', async () => {
    const secrets = keychain();
    const dir = await dataDir();
    const before = await start(dir, secrets);
    const { ws, recoveryKey } = await workspaceWithRecords(before, secrets);
    expect(await before.must('backup.status', {})).toMatchObject({ hasRecoveryKey: true, keyFile: true });
    await before.core.close();

    // The keychain entries are gone (wiped keychain, new OS account).
    await forget(secrets, ws);
    const after = await start(dir, secrets);
    expect(await after.call('requests.list', {})).toMatchObject({ ok: false, error: { code: 'db_key_invalid' } });

    const wrong = recoveryKey.replace(/-(....)-/, '-ABCD-');
    expect(await after.call('backup.recoverKeys', { recoveryKey: wrong })).toMatchObject({
      ok: false,
      error: { code: 'recovery_key_wrong' },
    });
    expect(await secrets.get(secretAccounts.dbKey(ws))).toBeNull();

    const recovered = await after.must('backup.recoverKeys', { recoveryKey, actor: 'dana' });
    expect(recovered).toMatchObject({ workspaceId: ws, requests: 2, auditChainOk: true });
    expect(recovered.restored).toEqual(['workspace key', 'audit key', 'recovery key']);
    expect((await after.must('requests.list', { includeUnverified: true })).requests).toHaveLength(2);
    expect(await after.must('audit.verify', {})).toMatchObject({ ok: true });
    expect(await actions(after)).toContain('backup.keys_recovered');
    // Subject references still match: the audit key is the same one.
    expect(await secrets.get(recoveryKeyAccount(ws))).toBe(recoveryKey);
  });

  it('refuses a damaged key file and changes nothing', async () => {
    const secrets = keychain();
    const dir = await dataDir();
    const before = await start(dir, secrets);
    const { ws, recoveryKey } = await workspaceWithRecords(before, secrets);
    await before.core.close();
    await forget(secrets, ws);
    const keyFile = join(dir, 'workspaces', ws, 'recovery.lethekey');
    const bytes = await readFile(keyFile);
    bytes[bytes.length - 20]! ^= 0x80;
    await writeFile(keyFile, bytes);
    const after = await start(dir, secrets);
    expect(await after.call('backup.recoverKeys', { recoveryKey })).toMatchObject({ ok: false, error: { code: 'backup_damaged' } });
    expect(await secrets.get(secretAccounts.dbKey(ws))).toBeNull();
  });
});
