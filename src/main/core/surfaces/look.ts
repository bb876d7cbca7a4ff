import type { SurfaceId } from '../../../shared/schemas/surfaces';
import { HelpdeskCancelledError, HelpdeskError, type ZendeskClient } from '../helpdesk';
import { withRequestScope } from '../helpdesk/request-scope';
import type { SqliteDb } from '../db/sqlite';
import { writeWhenFree } from '../db/write-when-free';
import { onDemandSurfaces } from './registry';
import { saveLook, type LookOutcome } from './store';
import { SurfaceIncomplete, type SubjectKeys, type SurfaceDefinition } from './types';

/**
 * Reads the on-demand surfaces for one person and keeps each outcome with its time. The client
 * already retries 429 and 5xx with backoff; what still fails is recorded as "not searched" with
 * the reason (403 permission, 404 not enabled, anything else error), never as zero items. A
 * cancel is not an outcome: it propagates and nothing is stored for the surface.
 */
export async function lookOne(
  def: SurfaceDefinition,
  client: ZendeskClient,
  subject: SubjectKeys,
  now: () => Date,
  signal?: AbortSignal,
): Promise<LookOutcome> {
  try {
    const items = await withRequestScope(`surface:${def.id}`, () => def.look!({ client, subject, signal }));
    return { surface: def.id, searched: true, asOf: now().toISOString(), items };
  } catch (error) {
    if (error instanceof HelpdeskCancelledError || signal?.aborted) throw error;
    const asOf = now().toISOString();
    if (error instanceof SurfaceIncomplete) return { surface: def.id, searched: false, asOf, reason: 'incomplete', detail: error.detail };
    const status = error instanceof HelpdeskError ? error.status : undefined;
    if (status === 403 || (error instanceof HelpdeskError && error.code === 'helpdesk_forbidden'))
      return {
        surface: def.id,
        searched: false,
        asOf,
        reason: 'permission',
        detail: 'The connection’s token may not read this (403): use an admin token or grant the right.',
      };
    if (status === 404)
      return {
        surface: def.id,
        searched: false,
        asOf,
        reason: 'not_enabled',
        detail: 'The helpdesk does not offer this (404): the product or feature is not enabled on the account.',
      };
    const message = error instanceof HelpdeskError ? error.message : 'An unexpected failure';
    return { surface: def.id, searched: false, asOf, reason: 'error', detail: `Still failing after retries: ${message}`.slice(0, 300) };
  }
}

export interface LookOptions {
  only?: readonly SurfaceId[];
  now?: () => Date;
  signal?: AbortSignal | undefined;
}

/** Looks at every on-demand surface (one after the other: they share the account's rate budget). */
export async function lookSurfaces(
  db: SqliteDb,
  client: ZendeskClient,
  subjectUserId: number,
  subject: SubjectKeys,
  options: LookOptions = {},
): Promise<LookOutcome[]> {
  const now = options.now ?? (() => new Date());
  const out: LookOutcome[] = [];
  for (const def of onDemandSurfaces()) {
    if (options.only && !options.only.includes(def.id)) continue;
    const outcome = await lookOne(def, client, subject, now, options.signal);
    await writeWhenFree(db, () => saveLook(db, subjectUserId, outcome));
    out.push(outcome);
  }
  return out;
}
