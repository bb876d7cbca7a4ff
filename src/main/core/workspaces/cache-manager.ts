import { join } from 'node:path';
import { LetheError } from '../../../shared/errors';
import { cacheFileExists, getOrCreateDbKey, openCache, resetCache, resolveNativeBinding, type Cache, type Migration } from '../db';
import type { Logger } from '../log/logger';
import { secretAccounts } from '../secrets/secret-store';
import type { WorkspaceService } from './workspace-service';

/**
 * Durable per-workspace stores beside the cache. Unlike the cache they are never reset: the
 * request register and audit trail, and the journal of remote operations (erasure, restriction,
 * rectification), must survive a "reset the cache and resync". Same encryption, same key.
 */
export type DurableStore = 'register' | 'journal';
const DURABLE_STORES: readonly DurableStore[] = ['register', 'journal'];

/**
 * The advice of an unreadable durable store. "Reset the cache" deletes cache.db only, so it must
 * never be offered for the register or the journal: `resetFixes: false` tells the faces not to.
 */
function durableUnreadable(error: unknown, workspaceId: string): unknown {
  if (!(error instanceof LetheError) || (error.code !== 'db_key_invalid' && error.code !== 'db_corrupt')) return error;
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : error.code;
  const what =
    error.code === 'db_corrupt'
      ? 'The request register, audit trail or journal of this workspace is damaged'
      : error.details?.reason === 'key_missing'
        ? 'The key of the request register, audit trail and journal of this workspace is missing from the keychain'
        : 'The request register, audit trail and journal of this workspace cannot be decrypted with the key in the keychain';
  return new LetheError(
    error.code,
    `${what}, so they cannot be read. Resetting the local cache does not bring them back (it deletes cache.db only). ` +
      `Restore the keychain entry "lethe / ${secretAccounts.dbKey(workspaceId)}" (or LETHE_DB_KEY on a server) and restart Lethe; nothing was deleted.`,
    { reason, store: 'durable', resetFixes: false },
  );
}

/**
 * One open cache per workspace for the life of the process: SQLite connections are cheap to keep and
 * costly to reopen (key derivation, schema check). The Electron shell sets `electron` so the addon
 * built for Electron's ABI is loaded; every other face uses the Node build.
 */
export class CacheManager {
  readonly #open = new Map<string, Cache>();
  readonly #opening = new Map<string, Promise<Cache>>();

  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly options: { electron: boolean; log: Logger },
  ) {}

  pathFor(workspaceId: string): string {
    return join(this.workspaces.cacheDir(workspaceId), 'cache.db');
  }

  isOpen(workspaceId: string): boolean {
    return this.#open.has(this.pathFor(workspaceId));
  }

  storePathFor(workspaceId: string, store: DurableStore): string {
    return join(this.workspaces.cacheDir(workspaceId), `${store}.db`);
  }

  /** The workspace's helpdesk cache (wipe-and-resync is its safe exit). */
  open(workspaceId: string): Promise<Cache> {
    return this.#openFile(workspaceId, this.pathFor(workspaceId));
  }

  /** A durable store with its own migration list, encrypted with the workspace's key. */
  openStore(workspaceId: string, store: DurableStore, migrations: readonly Migration[]): Promise<Cache> {
    return this.#openFile(workspaceId, this.storePathFor(workspaceId, store), migrations);
  }

  async #key(workspaceId: string): Promise<string> {
    // A key is only created when no file of the workspace exists yet: a missing key for existing
    // files is an error the user must see, never a reason to make unreadable files unreachable.
    const durable = DURABLE_STORES.map((store) => this.storePathFor(workspaceId, store)).filter((file) => cacheFileExists(file));
    const existing = durable[0] ?? (cacheFileExists(this.pathFor(workspaceId)) ? this.pathFor(workspaceId) : null);
    try {
      return await getOrCreateDbKey(this.workspaces.secretStoreFor(workspaceId), workspaceId, existing ?? this.pathFor(workspaceId));
    } catch (error) {
      // The key opens every file of the workspace: if a durable store exists, a cache reset cannot help.
      throw durable.length > 0 ? durableUnreadable(error, workspaceId) : error;
    }
  }

  async #openFile(workspaceId: string, path: string, migrations?: readonly Migration[]): Promise<Cache> {
    const existing = this.#open.get(path);
    if (existing) return existing;
    const pending = this.#opening.get(path);
    if (pending) return pending;
    const opening = (async () => {
      await this.workspaces.get(workspaceId);
      const key = await this.#key(workspaceId);
      const nativeBinding = resolveNativeBinding({ electron: this.options.electron });
      let cache: Cache;
      try {
        cache = openCache({
          path,
          key,
          log: this.options.log.child('db'),
          ...(nativeBinding ? { nativeBinding } : {}),
          ...(migrations ? { migrations } : {}),
        });
      } catch (error) {
        throw path === this.pathFor(workspaceId) ? error : durableUnreadable(error, workspaceId);
      }
      this.#open.set(path, cache);
      return cache;
    })();
    this.#opening.set(path, opening);
    try {
      return await opening;
    } finally {
      this.#opening.delete(path);
    }
  }

  /** The user's explicit "reset the local cache and resync": never called on their behalf. */
  async reset(workspaceId: string): Promise<{ removed: number }> {
    const path = this.pathFor(workspaceId);
    if (this.#opening.has(path)) throw new LetheError('conflict', 'The cache is being opened; try again');
    this.#closePath(path);
    const { removed } = await resetCache(path);
    return { removed: removed.length };
  }

  /** Closes the cache and the durable stores of a workspace (before removing its folder). */
  close(workspaceId: string): void {
    const dir = this.workspaces.cacheDir(workspaceId);
    for (const path of [...this.#open.keys()]) if (path.startsWith(dir)) this.#closePath(path);
  }

  #closePath(path: string): void {
    this.#open.get(path)?.close();
    this.#open.delete(path);
  }

  closeAll(): void {
    for (const path of [...this.#open.keys()]) this.#closePath(path);
  }
}
