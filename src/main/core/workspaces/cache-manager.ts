import { join } from 'node:path';
import { LetheError } from '../../../shared/errors';
import { cacheFileExists, getOrCreateDbKey, openCache, resetCache, resolveNativeBinding, type Cache, type Migration } from '../db';
import type { Logger } from '../log/logger';
import type { WorkspaceService } from './workspace-service';

/**
 * Durable per-workspace stores beside the cache. Unlike the cache they are never reset: the
 * request register and audit trail, and the journal of remote operations (erasure, restriction,
 * rectification), must survive a "reset the cache and resync". Same encryption, same key.
 */
export type DurableStore = 'register' | 'journal';

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
    const files = [this.pathFor(workspaceId), this.storePathFor(workspaceId, 'register'), this.storePathFor(workspaceId, 'journal')];
    const existing = files.find((file) => cacheFileExists(file)) ?? this.pathFor(workspaceId);
    return getOrCreateDbKey(this.workspaces.secretStoreFor(workspaceId), workspaceId, existing);
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
      const cache = openCache({
        path,
        key,
        log: this.options.log.child('db'),
        ...(nativeBinding ? { nativeBinding } : {}),
        ...(migrations ? { migrations } : {}),
      });
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
