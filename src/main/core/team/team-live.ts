import pg from 'pg';
import { z } from 'zod';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import { clientConfig, type TeamTarget } from './connection';

/**
 * LISTEN on the team database's `lethe_requests` channel (migration 0050) and turn each
 * notification into a `team.changed` event, so every face refreshes what another officer changed
 * without a reload. A lost connection is retried every few seconds until the session closes; a
 * notification missed meanwhile costs nothing more than a later refresh (lists re-read on focus
 * and on the next event), since the payload only says "this request is now at version N".
 */

const payloadSchema = z.object({ id: z.string().max(200), version: z.number().int(), by: z.string().max(200) }).strict();
const RETRY_MS = 3_000;

export interface LiveListener {
  close(): Promise<void>;
}

export function listenForChanges(
  workspaceId: string,
  target: TeamTarget,
  password: string | null,
  events: EventBus,
  log: Logger,
): LiveListener {
  let closed = false;
  // Said once per outage, not once per retry: the log names when live changes stopped and resumed.
  let listening = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;

  const retry = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, RETRY_MS);
    timer.unref();
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ ...clientConfig(target, password), application_name: 'lethe-live' });
    client = c;
    c.on('error', () => undefined);
    c.on('end', () => {
      if (client === c) client = null;
      if (listening && !closed) log.info("lost the team database's change feed; retrying every 3 s");
      listening = false;
      retry();
    });
    c.on('notification', (n) => {
      if (n.channel !== 'lethe_requests' || !n.payload) return;
      const parsed = payloadSchema.safeParse(JSON.parse(n.payload));
      if (!parsed.success) return;
      events.emit('team.changed', { workspaceId, requestId: parsed.data.id, version: parsed.data.version, by: parsed.data.by });
    });
    try {
      await c.connect();
      await c.query('LISTEN lethe_requests');
      if (closed) await c.end();
      else if (!listening) {
        listening = true;
        log.info('listening for changes on the team database');
      }
    } catch {
      await c.end().catch(() => undefined);
      retry();
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
