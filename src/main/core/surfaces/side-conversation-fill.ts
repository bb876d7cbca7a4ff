import type { SqliteDb } from '../db/sqlite';
import { writeWhenFree } from '../db/write-when-free';
import { HelpdeskError, type ZendeskClient } from '../helpdesk';
import { withRequestScope } from '../helpdesk/request-scope';
import { otherTicketsToRead, recordTicketsRead, ticketUpdatedAt, type IndexEntry } from './side-conversation-index';
import { ticketParticipantKeys } from './side-conversations';

/**
 * The side-conversation index filled in the background after a sync (side-conversation-index.ts
 * says why it exists). Without it, a look reads at most OTHER_TICKETS_PER_LOOK other tickets and
 * reports "incomplete" until enough looks have run; with it, the tickets the index does not know,
 * or whose `updated_at` moved, are read after each sync that reached the end of its exports, so a
 * look then reads only the person's tickets and the few naming them, and is complete.
 *
 * It shares the account's rate budget with everything else and only uses room left in it: it
 * reads while the account's last minute holds fewer requests than its share of the budget (30%
 * by default) and nothing else has asked for the budget in the last few seconds, so a look or an
 * erasure started meanwhile goes first and still has the rest; it reads at most
 * `perPass` tickets per sync (the next sync goes on from the index), and stops at the first
 * answer that says the account cannot serve side conversations (403, or only 404s).
 */

export interface FillOptions {
  /** Share of the account's per-minute budget the fill may use (0 < share ≤ 1). */
  share: number;
  /** Tickets read at most in one pass. */
  perPass: number;
  signal?: AbortSignal | undefined;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
}

export interface FillResult {
  read: number;
  /** Tickets the index still does not know (or knows stale) after this pass. */
  left: number;
  /** Why the pass stopped early, if it did. */
  stopped: 'permission' | 'not_enabled' | 'error' | null;
}

export const DEFAULT_FILL: Pick<FillOptions, 'share' | 'perPass'> = { share: 0.3, perPass: 5_000 };
/** Entries written per transaction. */
const BATCH = 25;
/** This many 404s from the first tickets, and none readable: the account has no side conversations. */
const NOT_ENABLED_AFTER = 10;
/** The fill waits this long after any other request asked for the budget. */
const FOREGROUND_QUIET_MS = 3_000;
/** How often a fill waiting for room in the window looks again. */
const POLL_MS = 500;

export async function fillSideConversationIndex(db: SqliteDb, client: ZendeskClient, options: FillOptions): Promise<FillResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const { read: todo, left: beyond } = otherTicketsToRead(db, new Set(), [], startedAt, options.perPass);
  // Taken before the reads: a ticket the sync changes meanwhile is read again next time.
  const updated = ticketUpdatedAt(db, todo);
  const scheduler = client.scheduler;
  const clock = scheduler.clock;
  const share = Math.min(1, Math.max(0.01, options.share));
  // Room in the account's window for one more background read: the window (everyone's requests of
  // the last minute, as the scheduler and the server count them) below the fill's share.
  // And nobody else asked for the budget in the last few seconds: a look or a live check started
  // meanwhile goes first, not after the fill's next read.
  const roomFor = (): boolean =>
    scheduler.foregroundIdleMs() >= FOREGROUND_QUIET_MS &&
    scheduler.inWindow() < Math.max(1, Math.floor(scheduler.stats().requestsPerMinute * share));
  const pending: IndexEntry[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending.splice(0, pending.length);
    await writeWhenFree(db, () => recordTicketsRead(db, batch));
  };
  let read = 0;
  let found = 0;
  let notFound = 0;
  let stopped: FillResult['stopped'] = null;
  await withRequestScope('index:side_conversations', async () => {
    for (const ticketId of todo) {
      if (options.signal?.aborted) break;
      while (!roomFor() && !options.signal?.aborted) await clock.sleep(POLL_MS, options.signal).catch(() => undefined);
      if (options.signal?.aborted) break;
      let keys: string[] | null;
      try {
        keys = await ticketParticipantKeys(client, ticketId, options.signal);
      } catch (error) {
        if (options.signal?.aborted) break;
        stopped = error instanceof HelpdeskError && (error.status === 403 || error.code === 'helpdesk_forbidden') ? 'permission' : 'error';
        break;
      }
      read++;
      if (keys === null) {
        // Deleted since the sync saw it; or, when nothing answers, the feature is missing.
        if (++notFound >= NOT_ENABLED_AFTER && found === 0) {
          stopped = 'not_enabled';
          break;
        }
      } else {
        found++;
        pending.push({ ticketId, ticketUpdatedAt: updated.get(ticketId) ?? null, readAt: now().toISOString(), keys });
        if (pending.length >= BATCH) await flush();
      }
      options.onProgress?.(read, todo.length);
    }
    await flush();
  });
  return { read, left: beyond + (todo.length - read), stopped };
}
