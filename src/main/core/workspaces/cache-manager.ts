import { join } from 'node:path';
import { LetheError } from '../../../shared/errors';
import { getOrCreateDbKey, openCache, resetCache, resolveNativeBinding, type Cache } from '../db';
import type { Logger } from '../log/logger';
import type { WorkspaceService } from './workspace-service';

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
    return this.#open.has(workspaceId);
  }

  async open(workspaceId: string): Promise<Cache> {
    const existing = this.#open.get(workspaceId);
    if (existing) return existing;
    const pending = this.#opening.get(workspaceId);
    if (pending) return pending;
    const opening = (async () => {
      await this.workspaces.get(workspaceId);
      const path = this.pathFor(workspaceId);
      const key = await getOrCreateDbKey(this.workspaces.secretStoreFor(workspaceId), workspaceId, path);
      const nativeBinding = resolveNativeBinding({ electron: this.options.electron });
      const cache = openCache({ path, key, log: this.options.log.child('db'), ...(nativeBinding ? { nativeBinding } : {}) });
      this.#open.set(workspaceId, cache);
      return cache;
    })();
    this.#opening.set(workspaceId, opening);
    try {
      return await opening;
    } finally {
      this.#opening.delete(workspaceId);
    }
  }

  /** The user's explicit "reset the local cache and resync": never called on their behalf. */
  async reset(workspaceId: string): Promise<{ removed: number }> {
    if (this.#opening.has(workspaceId)) throw new LetheError('conflict', 'The cache is being opened; try again');
    this.close(workspaceId);
    const { removed } = await resetCache(this.pathFor(workspaceId));
    return { removed: removed.length };
  }

  close(workspaceId: string): void {
    this.#open.get(workspaceId)?.close();
    this.#open.delete(workspaceId);
  }

  closeAll(): void {
    for (const id of [...this.#open.keys()]) this.close(id);
  }
}
