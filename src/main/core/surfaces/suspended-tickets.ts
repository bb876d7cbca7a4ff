import { z } from 'zod';
import { cursorPages } from '../helpdesk/pagination';
import { isNotFound, singleOpHandler, checkEach, unlessGone } from '../journal/helpdesk-handlers';
import type { Json } from '../journal/types';
import type { FoundItem, SurfaceDefinition, SurfaceOpPayload } from './types';

/**
 * Suspended tickets: e-mails that never became tickets but hold the author's name, address,
 * subject and body. Zendesk lists them only for the whole account (no filter by author), so a
 * look pages through the listing (100 a page, cursor) and keeps the ones whose author is one of the
 * person's accounts or writes from one of their addresses. Deletion is permanent and synchronous
 * (`DELETE /api/v2/suspended_tickets/{id}`, 204); a check reads the item (404 = gone).
 */

const SuspendedTicket = z.looseObject({
  id: z.number().int().positive(),
  author: z.looseObject({
    id: z.number().int().nullable().optional(),
    name: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
  }),
  subject: z.string().nullable().optional(),
  content: z.string().nullable().optional(),
  cause: z.string().nullable().optional(),
  recipient: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
});
type SuspendedTicket = z.infer<typeof SuspendedTicket>;

const PAGE = 100;

function toItem(t: SuspendedTicket, byAccount: boolean): FoundItem {
  const email = t.author.email ?? null;
  const name = t.author.name ?? null;
  const record = JSON.parse(JSON.stringify(t)) as Record<string, Json>;
  return {
    surface: 'suspended_tickets',
    id: String(t.id),
    ticketId: null,
    label: `${t.subject ?? '(no subject)'} — ${t.cause ?? 'suspended'}`,
    at: t.created_at ?? null,
    roles: ['author'],
    why: byAccount
      ? 'sent by one of the person’s accounts, never became a ticket'
      : 'sent from the person’s e-mail address, never became a ticket',
    record,
    // What the person wrote: their name and address as sent, the subject and the text.
    provided: { from: email, name, subject: t.subject ?? null, content: t.content ?? null, sentAt: t.created_at ?? null },
    strings: [email, name, t.subject, t.content].filter((s): s is string => typeof s === 'string' && s.length > 0),
  };
}

export const suspendedTicketsSurface: SurfaceDefinition = {
  id: 'suspended_tickets',
  label: 'Suspended tickets',
  read: 'on_demand',
  async look({ client, subject, signal }) {
    const accounts = new Set(subject.userIds);
    const emails = new Set(subject.emails);
    const out: FoundItem[] = [];
    const pages = cursorPages(
      client.transport,
      { spec: { method: 'GET', template: '/api/v2/suspended_tickets', signal }, key: 'suspended_tickets', item: SuspendedTicket },
      PAGE,
    );
    for await (const page of pages) {
      for (const t of page.items) {
        const byAccount = typeof t.author.id === 'number' && accounts.has(t.author.id);
        const byEmail = typeof t.author.email === 'string' && emails.has(t.author.email.trim().toLowerCase());
        if (byAccount || byEmail) out.push(toItem(t, byAccount));
      }
    }
    return out;
  },
  decide: () => ({
    decision: 'delete',
    reasonCode: 'suspended_ticket',
    reason: 'An e-mail that never became a ticket: no ground to keep it, deleted permanently',
    legalBasis: null,
    fix: null,
  }),
  handler(client) {
    const gone = async (id: string, signal?: AbortSignal): Promise<boolean> => {
      try {
        await client.transport.json({ method: 'GET', template: '/api/v2/suspended_tickets/{id}', params: { id: Number(id) }, signal });
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    };
    return singleOpHandler({
      concurrency: 2,
      async send(op, signal) {
        const p = op.payload as unknown as SurfaceOpPayload;
        await unlessGone(() =>
          client.transport.json({ method: 'DELETE', template: '/api/v2/suspended_tickets/{id}', params: { id: Number(p.itemId) }, signal }),
        );
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) => {
        const p = op.payload as unknown as SurfaceOpPayload;
        return (await gone(p.itemId, signal)) ? { opId: op.id, state: 'done' } : { opId: op.id, state: 'absent' };
      }),
    });
  },
  async stillThere(client, op, signal) {
    try {
      await client.transport.json({ method: 'GET', template: '/api/v2/suspended_tickets/{id}', params: { id: Number(op.itemId) }, signal });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  },
};
