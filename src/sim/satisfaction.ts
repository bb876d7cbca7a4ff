import { ID } from './dataset';
import { idParam, notFound, paginate, type Ctx, type Router } from './http';
import type { SimState, TicketView } from './state';

/**
 * Satisfaction ratings, as Zendesk keeps them: on the ticket (`satisfaction_rating` {id, score,
 * comment}) and in `GET /api/v2/satisfaction_ratings` (admins; cursor or offset pages, `score`
 * filter) and `/{id}`. A rating is the requester's; Zendesk has no API to delete or edit one, so
 * it goes only with its ticket: a soft-deleted or purged ticket's rating is no longer listed.
 */

function ratingJson(v: TicketView, base: string): Record<string, unknown> | null {
  const r = v.rec.satisfaction_rating;
  if (v.state !== 'live' || !r || r.id === undefined || (r.score !== 'good' && r.score !== 'bad')) return null;
  return {
    id: r.id,
    url: `${base}/api/v2/satisfaction_ratings/${r.id}.json`,
    assignee_id: v.rec.assignee_id,
    group_id: v.rec.group_id,
    requester_id: v.rec.requester_id,
    ticket_id: v.rec.id,
    score: r.score,
    comment: r.comment ?? null,
    reason: null,
    reason_id: null,
    created_at: v.rec.updated_at,
    updated_at: v.rec.updated_at,
  };
}

function ratings(ctx: Ctx): Record<string, unknown>[] {
  const score = ctx.query.get('score');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < ctx.state.ds.ticketCount; i++) {
    const v = ctx.state.ticketView(ctx.state.ds.ticketId(i));
    const j = v ? ratingJson(v, ctx.base) : null;
    if (!j) continue;
    if (score === 'good' || score === 'bad') {
      if (j.score !== score) continue;
    } else if (score === 'received_with_comment' && j.comment === null) continue;
    out.push(j);
  }
  return out;
}

export function registerSatisfactionRoutes(r: Router): void {
  r.add('GET', '/api/v2/satisfaction_ratings', (ctx) => paginate(ctx, ratings(ctx), 'satisfaction_ratings'), { adminOnly: true });
  r.add(
    'GET',
    '/api/v2/satisfaction_ratings/:id',
    (ctx) => {
      const id = idParam(ctx, 'id');
      const v = ctx.state.ticketView(ctx.state.ds.ticketId(id - ID.rating));
      const j = v ? ratingJson(v, ctx.base) : null;
      if (!j || j.id !== id) throw notFound();
      return { satisfaction_rating: j };
    },
    { adminOnly: true },
  );
}

/** Ground truth: the ids of the live ratings whose ticket the subject requested. */
export function ratingsOf(state: SimState, userIds: readonly number[]): number[] {
  const own = new Set(userIds);
  const out: number[] = [];
  for (let i = 0; i < state.ds.ticketCount; i++) {
    const v = state.ticketView(state.ds.ticketId(i));
    if (!v || v.state !== 'live' || v.rec.requester_id === null || !own.has(v.rec.requester_id)) continue;
    const j = ratingJson(v, '');
    if (j) out.push(j.id as number);
  }
  return out;
}
