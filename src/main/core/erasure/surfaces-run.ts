import type { ErasurePlan, PlanTicket } from '../../../shared/contract/groups/erasure';
import { LetheError } from '../../../shared/errors';
import type { SurfaceId } from '../../../shared/schemas/surfaces';
import type { SqliteDb } from '../db/sqlite';
import type { ZendeskClient } from '../helpdesk';
import { withRequestScope } from '../helpdesk/request-scope';
import type { Journal, NewOperation, OperationHandler } from '../journal';
import type { CoreServices } from '../services';
import { openLinkRegister } from '../subjects/links';
import { lookForSubject } from '../subjects/surface-look';
import { readItems, surfaceById, surfaceOpKind, SURFACES, type SurfaceOpPayload } from '../surfaces';
import { planSurfaces } from './surface-plan';

/**
 * The erasure's hooks into the surfaces (src/main/core/surfaces): the live look before a plan is
 * revalidated or run, one journal operation per item decided delete or redact, the handlers of
 * those operations, and verification that reads each item back.
 */

/** The live check: read every on-demand surface for the person again, then plan its items. */
export async function liveSurfaces(
  s: CoreServices,
  workspaceId: string,
  db: SqliteDb,
  client: ZendeskClient,
  plan: ErasurePlan,
  tickets: readonly PlanTicket[],
  signal?: AbortSignal,
): Promise<Pick<ErasurePlan, 'coverage' | 'surfaceItems'>> {
  const register = await openLinkRegister(s, workspaceId, db);
  const requested = plan.subject.userIds[0];
  if (requested === undefined) return { coverage: plan.coverage ?? [], surfaceItems: [] };
  await lookForSubject(db, register, client, requested, workspaceId, undefined, signal);
  return planSurfaces(db, register, workspaceId, requested, tickets);
}

/**
 * What runs is what was reviewed, surface by surface. A surface the plan searched but the live
 * check could not read again is not "changed": it is unknown, and saying so sends the officer to
 * retry rather than to review differences that are not there. Details name surfaces and item ids
 * only (labels can hold the person's words).
 */
export function refuseUnlikeReviewed(
  plan: Pick<ErasurePlan, 'coverage' | 'surfaceItems'>,
  live: Pick<ErasurePlan, 'coverage' | 'surfaceItems'>,
): void {
  const searchedBefore = new Set((plan.coverage ?? []).filter((c) => c.searched).map((c) => c.surface));
  const unread = live.coverage.filter((c) => c.read === 'on_demand' && !c.searched && searchedBefore.has(c.surface));
  if (unread.length > 0) {
    throw new LetheError(
      'conflict',
      `Could not read again, so nothing ran: ${unread.map((c) => `${c.label} (${c.detail ?? c.reason ?? 'not searched'})`).join('; ')}. Try again when the helpdesk answers`,
      { reason: 'surfaces_unread', surfaces: unread.map((c) => c.surface).join(',') },
    );
  }
  const keyed = (items: ErasurePlan['surfaceItems']): Map<string, string> =>
    new Map(items.map((i) => [`${i.surface}:${i.id}`, i.decision]));
  const before = keyed(plan.surfaceItems ?? []);
  const now = keyed(live.surfaceItems);
  const added = [...now.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !now.has(k));
  const decided = [...now].filter(([k, d]) => before.has(k) && before.get(k) !== d).map(([k]) => k);
  if (added.length + removed.length + decided.length === 0) return;
  const parts = [
    added.length > 0 ? `${added.length} new` : '',
    removed.length > 0 ? `${removed.length} gone` : '',
    decided.length > 0 ? `${decided.length} decided differently` : '',
  ].filter(Boolean);
  throw new LetheError(
    'conflict',
    `The helpdesk’s other places (surfaces) changed since the plan was checked (items: ${parts.join(', ')}); revalidate and review them`,
    {
      reason: 'surfaces_changed',
      added: added.slice(0, 50).join(','),
      removed: removed.slice(0, 50).join(','),
      decidedDifferently: decided.slice(0, 50).join(','),
    },
  );
}

/**
 * Stage 15: after redactions and session revocation, before tickets are soft-deleted (an item on a
 * ticket being deleted is decided `delete` with its ticket by its surface and gets no operation).
 */
export function surfaceOperations(db: SqliteDb, plan: ErasurePlan): NewOperation[] {
  const requested = plan.subject.userIds[0];
  if (requested === undefined) return [];
  const ops: NewOperation[] = [];
  for (const def of SURFACES) {
    if (!def.handler) continue;
    const found = new Map(readItems(db, requested, def.id).map((i) => [i.id, i.strings]));
    const stringsOf = (id: string): string[] => found.get(id) ?? def.cachedStrings?.(db, id) ?? [];
    for (const item of plan.surfaceItems ?? []) {
      if (item.surface !== def.id || (item.decision !== 'delete' && item.decision !== 'redact')) continue;
      if (def.opFor && !def.opFor(item)) continue;
      const payload: SurfaceOpPayload = {
        surface: def.id,
        itemId: item.id,
        ticketId: item.ticketId,
        decision: item.decision,
        strings: stringsOf(item.id),
      };
      const numeric = /^\d{1,15}$/.test(item.id) ? [Number(item.id)] : item.ticketId !== null ? [item.ticketId] : [];
      ops.push({ ref: `surface:${def.id}:${item.id}`, stage: 15, kind: surfaceOpKind(def.id), targets: numeric, payload });
    }
  }
  return ops;
}

export function surfaceHandlers(client: ZendeskClient): Record<string, OperationHandler> {
  const out: Record<string, OperationHandler> = {};
  for (const def of SURFACES) if (def.handler) out[surfaceOpKind(def.id)] = scoped(`surface:${def.id}`, def.handler(client));
  return out;
}

/** A handler whose requests are counted under its surface (`RequestInfo.scope`). */
function scoped(name: string, h: OperationHandler): OperationHandler {
  const poll = h.poll?.bind(h);
  return {
    batchSize: h.batchSize,
    ...(h.concurrency === undefined ? {} : { concurrency: h.concurrency }),
    send: (ops, ctx) => withRequestScope(name, () => h.send(ops, ctx)),
    ...(poll
      ? { poll: (jobs: Parameters<typeof poll>[0], ctx: Parameters<typeof poll>[1]) => withRequestScope(name, () => poll(jobs, ctx)) }
      : {}),
    check: (ops, ctx) => withRequestScope(name, () => h.check(ops, ctx)),
  };
}

/**
 * Per surface, how many of the person's items verification still finds: the run's done operations
 * read back, and the items the plan deleted with their ticket (no operation of their own: side
 * conversations, ratings) read back too when the surface can tell, so "gone with the ticket" is
 * checked, not assumed.
 */
export async function verifySurfaces(
  client: ZendeskClient,
  journal: Journal,
  runId: string,
  plan: Pick<ErasurePlan, 'surfaceItems'>,
  signal?: AbortSignal,
): Promise<Partial<Record<SurfaceId, number>>> {
  const out: Partial<Record<SurfaceId, number>> = {};
  const withOp = new Set<string>();
  for (const op of journal.operations(runId)) {
    if (!op.kind.startsWith('surface.')) continue;
    const payload = op.payload as unknown as SurfaceOpPayload;
    withOp.add(`${payload.surface}:${payload.itemId}`);
    const def = surfaceById(payload.surface);
    const stillThere = def?.stillThere;
    const there =
      op.state !== 'done' ||
      (stillThere ? await withRequestScope(`surface:${payload.surface}`, () => stillThere(client, payload, signal)) : false);
    out[payload.surface] = (out[payload.surface] ?? 0) + (there ? 1 : 0);
  }
  for (const item of plan.surfaceItems ?? []) {
    if (item.decision !== 'delete' || withOp.has(`${item.surface}:${item.id}`)) continue;
    const def = surfaceById(item.surface);
    if (!def?.stillThere) continue;
    const payload: SurfaceOpPayload = { surface: item.surface, itemId: item.id, ticketId: item.ticketId, decision: 'delete', strings: [] };
    const stillThere = def.stillThere;
    const there = await withRequestScope(`surface:${item.surface}`, () => stillThere(client, payload, signal));
    out[item.surface] = (out[item.surface] ?? 0) + (there ? 1 : 0);
  }
  return out;
}
