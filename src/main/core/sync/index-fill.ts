import type { SyncProgress } from '../../../shared/contract/groups/sync';
import { LetheError } from '../../../shared/errors';
import type { SqliteDb } from '../db/sqlite';
import type { ZendeskClient } from '../helpdesk';
import type { Logger } from '../log/logger';
import { DEFAULT_FILL, fillSideConversationIndex, type FillOptions, type FillResult } from '../surfaces/side-conversation-fill';

type Emit = (resource: string, phase: 'running' | 'done' | 'failed', progress: SyncProgress) => void;

const RESOURCE = 'index:side_conversations';

/**
 * The side-conversation index's background fills (surfaces/side-conversation-fill.ts), one at a
 * time per workspace, started by the sync service once a sync caught up; progress goes out as
 * `sync.progress` on `index:side_conversations`. A fill that fails is logged and left: the index
 * only saves calls, and a look reads what it could not.
 */
export class IndexFills {
  readonly #fills = new Map<string, { controller: AbortController; done: Promise<FillResult | null> }>();

  constructor(private readonly log: Logger) {}

  start(
    workspaceId: string,
    db: SqliteDb,
    client: ZendeskClient,
    settings: Partial<Pick<FillOptions, 'share' | 'perPass'>>,
    emit: Emit,
  ): void {
    if (this.#fills.has(workspaceId)) return;
    const controller = new AbortController();
    const started = Date.now();
    const progress = (done: number, total: number | null): SyncProgress => ({
      done,
      total,
      ratePerSecond: done / Math.max(0.001, (Date.now() - started) / 1000),
      etaSeconds: null,
    });
    const done = (async (): Promise<FillResult | null> => {
      try {
        const result = await fillSideConversationIndex(db, client, {
          ...DEFAULT_FILL,
          ...settings,
          signal: controller.signal,
          onProgress: (n, total) => {
            if (n % 50 === 0) emit(RESOURCE, 'running', progress(n, total));
          },
        });
        emit(RESOURCE, result.stopped === 'error' ? 'failed' : 'done', progress(result.read, result.read + result.left));
        return result;
      } catch (error) {
        this.log.warn('side-conversation index fill failed', { code: (error as { code?: string })?.code ?? 'internal_error' });
        return null;
      } finally {
        this.#fills.delete(workspaceId);
      }
    })();
    this.#fills.set(workspaceId, { controller, done });
  }

  async wait(workspaceId: string): Promise<FillResult | null> {
    return (await this.#fills.get(workspaceId)?.done) ?? null;
  }

  async cancel(workspaceId: string): Promise<void> {
    const fill = this.#fills.get(workspaceId);
    fill?.controller.abort(new LetheError('cancelled', 'Stopped'));
    await fill?.done;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#fills.keys()].map((id) => this.cancel(id)));
  }
}
