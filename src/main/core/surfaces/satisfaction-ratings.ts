import { z } from 'zod';
import { MAX_IDS } from '../helpdesk';
import { decideWithTicket } from './follow-ticket';
import type { FoundItem, SurfaceDefinition } from './types';

/**
 * Satisfaction ratings: the requester's score and free-text comment on a ticket. Zendesk's
 * listing has no filter by person and is admin-only, but every ticket carries its rating
 * (`satisfaction_rating` {id, score, comment}), so a look reads the person's requested tickets
 * (show_many, 100 a call) — cheap, and the same for agent tokens. Zendesk offers no API to delete
 * or edit a rating: it goes with its ticket's deletion, and the plan says so where the ticket stays.
 */

const Rated = z.looseObject({
  id: z.number().int().positive(),
  requester_id: z.number().int().nullable().optional(),
  updated_at: z.string().nullable().optional(),
  satisfaction_rating: z
    .looseObject({ id: z.number().int().optional(), score: z.string(), comment: z.string().nullable().optional() })
    .nullable()
    .optional(),
});

export const satisfactionRatingsSurface: SurfaceDefinition = {
  id: 'satisfaction_ratings',
  label: 'Satisfaction ratings',
  read: 'on_demand',
  async look({ client, subject, signal }) {
    const accounts = new Set(subject.userIds);
    const out: FoundItem[] = [];
    for (let i = 0; i < subject.ticketIds.length; i += MAX_IDS) {
      const body = await client.transport.parse(
        { method: 'GET', template: '/api/v2/tickets/show_many', query: { ids: subject.ticketIds.slice(i, i + MAX_IDS) }, signal },
        'tickets',
        z.looseObject({ tickets: z.array(Rated) }),
      );
      for (const t of body.tickets) {
        const r = t.satisfaction_rating;
        if (!r || r.id === undefined || (r.score !== 'good' && r.score !== 'bad')) continue;
        if (typeof t.requester_id !== 'number' || !accounts.has(t.requester_id)) continue;
        const comment = r.comment ?? null;
        out.push({
          surface: 'satisfaction_ratings',
          id: String(r.id),
          ticketId: t.id,
          label: `${r.score === 'good' ? 'Good' : 'Bad'}${comment ? `: “${comment.slice(0, 120)}”` : ' (no comment)'}`,
          at: t.updated_at ?? null,
          roles: ['rater'],
          why: `rated ticket ${t.id}, which the person requested`,
          record: { id: r.id, ticket_id: t.id, score: r.score, comment },
          provided: { score: r.score, comment },
          strings: comment ? [comment] : [],
        });
      }
    }
    return out;
  },
  decide: (item, ctx) =>
    decideWithTicket(item, ctx, {
      what: 'a rating',
      reasonCode: 'rating_not_erasable',
      reason: () => 'Zendesk has no API to delete or edit a satisfaction rating or its comment',
      fix: (ticketId) => `Override ticket ${ticketId ?? ''} to delete: the rating goes with it`,
    }),
};
