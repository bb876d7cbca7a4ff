// Longer than ~400 lines on purpose: create, verify and restore share one sealed format and one order
// (check everything, then write), which is easiest to keep right when read together; the format itself
// is in payload.ts.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Settings } from '../../../shared/schemas/settings';
import { LetheError } from '../../../shared/errors';
import { appendAudit, openAuditContext, verifyAuditLog } from '../audit';
import type { SqliteDb } from '../db';
import { writeFileAtomic } from '../fs/atomic-write';
import { JOURNAL_MIGRATIONS } from '../journal';
import { registerSecret } from '../log/logger';
import { resolveWorkspaceId } from '../requests';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';
import type { CoreServices } from '../services';
import { DEMO_WORKSPACE_ID } from '../workspaces/workspace-service';
import { open, readHeader, seal } from './envelope';
import { FILE_NAME, Manifest, packPayload, sha256, unpackPayload } from './payload';
import { newRecoveryKey, normalizeRecoveryKey } from './recovery-key';

/**
 * The recovery path for the durable stores (register and audit log, journal) and settings.
 *
 * - The recovery key lives in the keychain beside the workspace key (to be shown on demand) and,
 *   above all, with the officer: written down or in a password vault.
 * - `recovery.lethekey` beside the stores wraps the workspace's keys under the recovery key, so a
 *   keychain that lost them (new OS account, wiped keychain) can be refilled on this machine.
 * - A backup file carries the stores, the keys and the settings, sealed under the recovery key,
 *   and restores into a data directory that does not hold the workspace yet (another machine).
 *
 * Everything is checked before anything is written; a wrong key or a damaged file changes nothing.
 */

export const recoveryKeyAccount = (workspaceId: string): string => `${workspaceId}/recovery-key`;
export const KEY_WRAP_FILE = 'recovery.lethekey';
export const BACKUP_EXTENSION = '.lethebak';

interface WrappedKeys {
  dbKey: string;
  auditKey: string | null;
}

function refuseDemo(workspaceId: string): void {
  if (workspaceId === DEMO_WORKSPACE_ID) {
    throw new LetheError('conflict', 'The demo workspace holds synthetic data only; it has no recovery key and needs no backup.');
  }
}

async function storedWorkspace(s: CoreServices, workspaceId: string) {
  const entry = (await s.config.read()).workspaces.find((w) => w.id === workspaceId);
  if (!entry) throw new LetheError('not_found', `No workspace ${workspaceId}`);
  return entry;
}

/** Opens the register (creating the workspace and audit keys on first use) and reads both keys. */
async function currentKeys(s: CoreServices, workspaceId: string): Promise<WrappedKeys & { register: SqliteDb }> {
  const ctx = await openAuditContext(s, workspaceId);
  const dbKey = await s.workspaces.secretStoreFor(workspaceId).get(secretAccounts.dbKey(workspaceId));
  if (dbKey === null) throw new LetheError('secret_missing', 'The workspace key is not in the keychain.');
  return { dbKey, auditKey: ctx.auditKey.toString('hex'), register: ctx.db };
}

async function writeKeyWrap(s: CoreServices, workspaceId: string, name: string, recoveryKey: string, keys: WrappedKeys): Promise<void> {
  const sealed = await seal(
    'key-wrap',
    { id: workspaceId, name },
    recoveryKey,
    Buffer.from(JSON.stringify(keys), 'utf8'),
    new Date().toISOString(),
  );
  await mkdir(s.workspaces.cacheDir(workspaceId), { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(s.workspaces.cacheDir(workspaceId), KEY_WRAP_FILE), sealed);
}

/**
 * The workspace's recovery key, created on first call. The key-wrap file is rewritten each time,
 * so it always holds the keys in use (the audit key is made lazily, after the first call maybe).
 */
export async function showRecoveryKey(
  s: CoreServices,
  workspaceId: string | undefined,
  actor: string,
): Promise<{ workspaceId: string; recoveryKey: string; created: boolean }> {
  const id = await resolveWorkspaceId(s, workspaceId);
  refuseDemo(id);
  const entry = await storedWorkspace(s, id);
  const secrets = s.workspaces.secretStoreFor(id);
  const keys = await currentKeys(s, id);
  let recoveryKey = await secrets.get(recoveryKeyAccount(id));
  const created = recoveryKey === null;
  if (recoveryKey === null) {
    recoveryKey = newRecoveryKey();
    registerSecret(recoveryKey);
    await secrets.set(recoveryKeyAccount(id), recoveryKey);
  }
  await writeKeyWrap(s, id, entry.name, recoveryKey, { dbKey: keys.dbKey, auditKey: keys.auditKey });
  await appendAudit(s, id, { actor, action: created ? 'recovery_key.created' : 'recovery_key.shown', data: {} });
  return { workspaceId: id, recoveryKey, created };
}

/** Whether a recovery key exists, without showing it (the Settings page's reminder). */
export async function recoveryStatus(
  s: CoreServices,
  workspaceId: string | undefined,
): Promise<{ workspaceId: string; hasRecoveryKey: boolean; keyFile: boolean; demo: boolean }> {
  const id = await resolveWorkspaceId(s, workspaceId);
  if (id === DEMO_WORKSPACE_ID) return { workspaceId: id, hasRecoveryKey: false, keyFile: false, demo: true };
  const hasRecoveryKey = (await s.workspaces.secretStoreFor(id).get(recoveryKeyAccount(id))) !== null;
  return { workspaceId: id, hasRecoveryKey, keyFile: existsSync(join(s.workspaces.cacheDir(id), KEY_WRAP_FILE)), demo: false };
}

/**
 * A consistent copy of an open store: checkpoint, then hold the write lock while the file (and
 * a WAL a concurrent writer may have left) is read, so no commit lands half-copied.
 */
function snapshot(db: SqliteDb, path: string, name: string): { name: string; data: Buffer }[] {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // A reader holding the WAL: the WAL is copied below instead.
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = [{ name, data: readFileSync(path) }];
    const walPath = `${path}-wal`;
    if (existsSync(walPath)) {
      const wal = readFileSync(walPath);
      if (wal.length > 0) out.push({ name: `${name}-wal`, data: wal });
    }
    return out;
  } finally {
    db.exec('ROLLBACK');
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export interface BackupResult {
  workspaceId: string;
  path: string;
  fileName: string;
  bytes: number;
  sha256: string;
  createdAt: string;
  requests: number;
  auditEntries: number;
  files: { name: string; size: number }[];
}

export async function createBackup(s: CoreServices, workspaceId: string | undefined, actor: string): Promise<BackupResult> {
  const id = await resolveWorkspaceId(s, workspaceId);
  refuseDemo(id);
  const entry = await storedWorkspace(s, id);
  const secrets = s.workspaces.secretStoreFor(id);
  const recoveryKey = await secrets.get(recoveryKeyAccount(id));
  if (recoveryKey === null) {
    throw new LetheError(
      'conflict',
      'This workspace has no recovery key yet. Create it and write it down first (Settings → Recovery, or `lethe backup recovery-key`): a backup opens only with it.',
    );
  }
  const keys = await currentKeys(s, id);
  const journal = await s.caches.openStore(id, 'journal', JOURNAL_MIGRATIONS);
  const files = [
    ...snapshot(keys.register, s.caches.storePathFor(id, 'register'), 'register.db'),
    ...snapshot(journal.db, s.caches.storePathFor(id, 'journal'), 'journal.db'),
  ];
  const actions = await readIfExists(join(s.dataDir, 'actions', `${id}.json`));
  if (actions) files.push({ name: 'actions.json', data: actions });
  const receiptsDir = join(s.dataDir, 'receipts', id);
  const receiptNames = existsSync(receiptsDir) ? await readdir(receiptsDir) : [];
  for (const name of receiptNames.sort()) {
    const full = join(receiptsDir, name);
    if (!FILE_NAME.test(`receipts/${name}`) || !(await stat(full)).isFile()) continue;
    files.push({ name: `receipts/${name}`, data: await readFile(full) });
  }
  const requests = keys.register.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
  const auditEntries = keys.register.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number;
  const createdAt = new Date().toISOString();
  const payload = packPayload(
    {
      format: 'lethe-backup',
      version: 1,
      createdAt,
      workspace: entry,
      keys: { dbKey: keys.dbKey, auditKey: keys.auditKey },
      settings: (await s.config.read()).settings,
      counts: { requests, auditEntries },
    },
    files,
  );
  const sealed = await seal('backup', { id, name: entry.name }, recoveryKey, payload, createdAt);
  const dir = join(s.dataDir, 'backups', id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const fileName = `lethe-backup-${id}-${createdAt.replace(/[:.]/g, '-')}${BACKUP_EXTENSION}`;
  const path = join(dir, fileName);
  await writeFileAtomic(path, sealed);
  const digest = sha256(sealed);
  await appendAudit(s, id, {
    actor,
    action: 'backup.created',
    data: { sha256: digest, bytes: sealed.length, requests, auditEntries, files: files.length },
  });
  return {
    workspaceId: id,
    path,
    fileName,
    bytes: sealed.length,
    sha256: digest,
    createdAt,
    requests,
    auditEntries,
    files: files.map((f) => ({ name: f.name, size: f.data.length })),
  };
}

async function readBackupFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new LetheError('not_found', `There is no backup file at ${path}`);
    throw error;
  }
}

/** What a backup file says it holds, before the recovery key is asked for. */
export async function describeBackup(path: string): Promise<{ workspaceId: string; workspaceName: string; createdAt: string }> {
  const { header } = readHeader(await readBackupFile(path));
  if (header.kind !== 'backup') throw new LetheError('backup_damaged', 'This is a key file, not a backup; nothing was changed.');
  return { workspaceId: header.workspace.id, workspaceName: header.workspace.name, createdAt: header.createdAt };
}

export interface RestoreResult {
  workspaceId: string;
  workspaceName: string;
  backupCreatedAt: string;
  requests: number;
  auditEntries: number;
  auditChainOk: boolean;
  settingsRestored: boolean;
  files: number;
}

/** Keychain entries written so far, removed again if a later step fails. */
class SecretWrites {
  readonly #written: string[] = [];
  constructor(private readonly secrets: SecretStore) {}
  async set(account: string, value: string): Promise<void> {
    registerSecret(value);
    await this.secrets.set(account, value);
    this.#written.push(account);
  }
  async undo(): Promise<void> {
    for (const account of this.#written) await this.secrets.delete(account).catch(() => false);
  }
}

/**
 * Restores a backup into this data directory, which must not hold the workspace yet. Order: check
 * the whole file; stage the files beside the target; keys into the keychain; move the files in;
 * add the workspace; open the register and verify its audit chain; record the restore. A failure
 * at any step undoes the earlier ones.
 */
export async function restoreBackup(s: CoreServices, path: string, typedKey: string, actor: string): Promise<RestoreResult> {
  const recoveryKey = normalizeRecoveryKey(typedKey);
  const { plaintext } = await open(await readBackupFile(path), recoveryKey, 'backup');
  const { manifest, files } = unpackPayload(plaintext);
  const id = manifest.workspace.id;
  const config = await s.config.read();
  if (config.workspaces.some((w) => w.id === id)) {
    throw new LetheError(
      'conflict',
      `This data directory already holds workspace "${manifest.workspace.name}". A backup restores into a data directory without it; ` +
        'to refill a keychain that lost its keys, use "Recover keys" (lethe restore --keys) instead. Nothing was changed.',
    );
  }
  const target = s.workspaces.cacheDir(id);
  if (existsSync(target) && (await readdir(target)).length > 0) {
    throw new LetheError('conflict', `The folder for workspace ${id} is not empty; nothing was changed.`);
  }
  const settings = Settings.safeParse(manifest.settings);
  const restoreSettings = config.workspaces.length === 0 && settings.success;

  const staging = join(dirname(target), `.restore-${randomBytes(6).toString('hex')}`);
  const secrets = new SecretWrites(s.secrets);
  const outside: string[] = [];
  let moved = false;
  let added = false;
  try {
    await mkdir(staging, { recursive: true, mode: 0o700 });
    for (const [name, data] of files) {
      if (name === 'actions.json' || name.startsWith('receipts/')) continue;
      await writeFile(join(staging, name), data, { mode: 0o600, flag: 'wx' });
    }
    await writeFile(
      join(staging, KEY_WRAP_FILE),
      await seal(
        'key-wrap',
        { id, name: manifest.workspace.name },
        recoveryKey,
        Buffer.from(JSON.stringify(manifest.keys)),
        manifest.createdAt,
      ),
      { mode: 0o600 },
    );
    await secrets.set(secretAccounts.dbKey(id), manifest.keys.dbKey);
    if (manifest.keys.auditKey !== null) await secrets.set(secretAccounts.auditKey(id), manifest.keys.auditKey);
    await secrets.set(recoveryKeyAccount(id), recoveryKey);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    moved = true;
    for (const [name, data] of files) {
      const dest =
        name === 'actions.json'
          ? join(s.dataDir, 'actions', `${id}.json`)
          : name.startsWith('receipts/')
            ? join(s.dataDir, 'receipts', id, basename(name))
            : null;
      if (dest === null || existsSync(dest)) continue;
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
      await writeFile(dest, data, { mode: 0o600, flag: 'wx' });
      outside.push(dest);
    }
    await s.config.update((draft) => {
      draft.workspaces.push(manifest.workspace);
      if (restoreSettings && settings.success) draft.settings = settings.data;
      draft.activeId ??= id;
    });
    added = true;
    const ctx = await openAuditContext(s, id);
    const verification = verifyAuditLog(ctx.db);
    const requests = ctx.db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
    await appendAudit(s, id, {
      actor,
      action: 'backup.restored',
      data: {
        backupCreatedAt: manifest.createdAt,
        backupSha256: sha256(await readBackupFile(path)),
        requests,
        auditEntries: verification.total,
        auditChainOk: verification.result.ok,
      },
    });
    if ((await s.config.read()).activeId === id) await s.workspaces.select(id);
    return {
      workspaceId: id,
      workspaceName: manifest.workspace.name,
      backupCreatedAt: manifest.createdAt,
      requests,
      auditEntries: verification.total,
      auditChainOk: verification.result.ok,
      settingsRestored: restoreSettings,
      files: files.size,
    };
  } catch (error) {
    s.caches.close(id);
    if (added) {
      await s.config
        .update((draft) => {
          draft.workspaces = draft.workspaces.filter((w) => w.id !== id);
          if (draft.activeId === id) draft.activeId = draft.workspaces[0]?.id ?? null;
        })
        .catch(() => undefined);
    }
    for (const file of outside) await rm(file, { force: true });
    if (moved) await rm(target, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
    await secrets.undo();
    throw error;
  }
}

/**
 * A keychain that lost this workspace's keys (wiped, new OS account): the key-wrap file beside the
 * stores, opened with the recovery key, refills it. The keys are checked by opening the register
 * before the workspace is used again; a failure removes what was written.
 */
export async function recoverKeys(
  s: CoreServices,
  workspaceId: string | undefined,
  typedKey: string,
  actor: string,
): Promise<{ workspaceId: string; restored: string[]; requests: number; auditEntries: number; auditChainOk: boolean }> {
  const id = await resolveWorkspaceId(s, workspaceId);
  refuseDemo(id);
  const recoveryKey = normalizeRecoveryKey(typedKey);
  const wrapPath = join(s.workspaces.cacheDir(id), KEY_WRAP_FILE);
  const file = await readIfExists(wrapPath);
  if (file === null) {
    throw new LetheError(
      'not_found',
      'This workspace has no key file (it never had a recovery key on this machine). Restore it from a backup file instead.',
    );
  }
  const { header, plaintext } = await open(file, recoveryKey, 'key-wrap');
  if (header.workspace.id !== id) throw new LetheError('backup_damaged', 'The key file belongs to another workspace; nothing was changed.');
  let keys: WrappedKeys;
  try {
    keys = Manifest.shape.keys.parse(JSON.parse(plaintext.toString('utf8')));
  } catch {
    throw new LetheError('backup_damaged', 'The key file does not hold keys; nothing was changed.');
  }
  const store = s.workspaces.secretStoreFor(id);
  const accounts: [string, string, string | null][] = [
    ['workspace key', secretAccounts.dbKey(id), keys.dbKey],
    ['audit key', secretAccounts.auditKey(id), keys.auditKey],
    ['recovery key', recoveryKeyAccount(id), recoveryKey],
  ];
  const current = await Promise.all(accounts.map(([, account]) => store.get(account)));
  if (current[0] !== null && current[0] !== keys.dbKey) {
    throw new LetheError('conflict', 'The keychain holds another key for this workspace; it was left untouched.');
  }
  const writes = new SecretWrites(store);
  const restored: string[] = [];
  try {
    for (const [i, [label, account, value]] of accounts.entries()) {
      if (value === null || current[i] !== null) continue;
      await writes.set(account, value);
      restored.push(label);
    }
    const ctx = await openAuditContext(s, id);
    const verification = verifyAuditLog(ctx.db);
    const requests = ctx.db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
    await appendAudit(s, id, { actor, action: 'backup.keys_recovered', data: { restored: restored.join(', ') || 'nothing' } });
    return { workspaceId: id, restored, requests, auditEntries: verification.total, auditChainOk: verification.result.ok };
  } catch (error) {
    s.caches.close(id);
    await writes.undo();
    throw error;
  }
}
