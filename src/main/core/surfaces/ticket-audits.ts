import { z } from 'zod';
import type { PlanSurfaceItem } from '../../../shared/schemas/surfaces';
import { HelpdeskError, MAX_IDS, type ZendeskClient } from '../helpdesk';
import { cursorPages } from '../helpdesk/pagination';
import { checkEach, isNotFound, singleOpHandler } from '../journal/helpdesk-handlers';
import type { Json } from '../journal/types';
import { identityKeysInText } from '../subjects/identity-keys';
import { decideWithTicket } from './follow-ticket';
import type { FoundItem, SubjectKeys, SurfaceDefinition, SurfaceOpPayload } from './types';

/**
 * Ticket custom field values and their history (#12 surface 4). Agents type callers' names,
 * numbers and addresses into free-text ticket fields; Zendesk keeps every earlier value in the
 * ticket's audits (`GET /api/v2/tickets/{id}/audits`) until the ticket is deleted, and redacting a
 * comment does not touch them. Read on demand: one `show_many` per 100 of the person's tickets
 * (current values and status), then one paged call per ticket for its audits (100 a page: one
 * call for nearly every ticket). More than MAX_TICKETS tickets is refused as an error rather than
 * read in part, so the coverage table never shows a partial look as complete.
 *
 * One item per (ticket, field) whose current or any earlier value holds the person's address,
 * number or name. Clearing (`PUT /api/v2/tickets/{id}` with the field null) removes the current
 * value; Zendesk then keeps it as the change's previous value, so history is only erased with the
 * ticket, and the plan says so.
 *
 * One more item per ticket whose audits record the person (one of their accounts, by user id: the
 * only way audit events name recipients) as the recipient of a notification or CC e-mail. The
 * audit log cannot be edited, so that item follows its ticket: deleted with it, kept with it, or
 * blocked with the fix. Zendesk also records the address each e-mail went to, but in the Email
 * Notifications API (`email_notifications`, a read per ticket), which this surface does not read.
 */

/** The most tickets one look reads audits for (one call each, on the account's shared budget). */
export const MAX_TICKETS = 500;
const PAGE = 100;
const ITEM = /^(\d{1,15}):(\d{1,15})$/;
/** The item of a ticket's notifications to the person: `<ticket id>:notified`. */
const NOTIFIED = /^(\d{1,15}):notified$/;
const TICKET_OF = /^(\d{1,15}):/;
const RECIPIENT_EVENTS = new Set(['Notification', 'NotificationWithCcs', 'FollowerNotification', 'Cc']);

type Value = string | number | boolean | null;
const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();

const TicketFields = z.looseObject({
  id: z.number().int().positive(),
  status: z.string().optional(),
  custom_fields: z
    .array(z.looseObject({ id: z.number().int(), value: z.unknown() }))
    .nullable()
    .optional(),
});

const AuditEvent = z.looseObject({
  type: z.string(),
  field_name: z.string().nullable().optional(),
  value: z.unknown().optional(),
  previous_value: z.unknown().optional(),
  // Notification, NotificationWithCcs, FollowerNotification and Cc events: user ids (loose, as
  // Zendesk documents no other form; anything not an id is ignored).
  recipients: z.array(z.unknown()).nullable().optional(),
});
const Audit = z.looseObject({
  id: z.number().int(),
  created_at: z.string().nullable().optional(),
  author_id: z.number().int().nullable().optional(),
  events: z.array(AuditEvent),
});

const scalar = (v: unknown): Value => {
  const r = FieldValue.safeParse(v);
  return r.success ? (r.data ?? null) : null;
};

const fold = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();

/** The person's values (address, number, name) a field value holds, as the person's keys spell them. */
export function personValuesIn(value: Value, who: Pick<SubjectKeys, 'emails' | 'phones' | 'names'>): string[] {
  if (typeof value !== 'string' || !value.trim()) return [];
  const keys = identityKeysInText(value);
  const text = fold(value);
  const out: string[] = [];
  for (const e of who.emails) if (keys.has(`e:${e}`) || text.includes(fold(e))) out.push(e);
  for (const p of who.phones) if (keys.has(`p:${p}`)) out.push(p);
  for (const n of who.names) if (fold(n).length >= 2 && text.includes(fold(n))) out.push(n);
  return out;
}

/** Whether a value still holds one of the strings an item was found by (emails and names folded, numbers by digits). */
function holds(value: Value, strings: readonly string[]): boolean {
  if (typeof value !== 'string' || !value.trim()) return false;
  const digits = [...identityKeysInText(value)].filter((k) => k.startsWith('p:')).map((k) => k.slice(2));
  const text = fold(value);
  return strings.some((s) => (/^\d+$/.test(s) ? digits.includes(s) : text.includes(fold(s))));
}

interface FieldHistory {
  values: { value: Value; at: string | null; by: number | null }[];
}

async function readAudits(client: ZendeskClient, ticketId: number, signal?: AbortSignal): Promise<z.infer<typeof Audit>[] | null> {
  const out: z.infer<typeof Audit>[] = [];
  try {
    const pages = cursorPages(
      client.transport,
      {
        spec: { method: 'GET', template: '/api/v2/tickets/{ticket_id}/audits', params: { ticket_id: ticketId }, signal },
        key: 'audits',
        item: Audit,
      },
      PAGE,
    );
    for await (const page of pages) out.push(...page.items);
  } catch (error) {
    // Deleted since the last sync: it keeps nothing of the person any more.
    if (isNotFound(error)) return null;
    throw error;
  }
  return out;
}

/** Every value each custom field held, oldest first, from the audits' Create and Change events. */
function historyOf(audits: z.infer<typeof Audit>[]): Map<number, FieldHistory> {
  const byField = new Map<number, FieldHistory>();
  for (const a of audits)
    for (const e of a.events) {
      if ((e.type !== 'Create' && e.type !== 'Change') || !/^\d{1,15}$/.test(e.field_name ?? '')) continue;
      const id = Number(e.field_name);
      const h = byField.get(id) ?? { values: [] };
      const at = a.created_at ?? null;
      const by = a.author_id ?? null;
      if (e.type === 'Change' && h.values.length === 0) h.values.push({ value: scalar(e.previous_value), at: null, by: null });
      h.values.push({ value: scalar(e.value), at, by });
      byField.set(id, h);
    }
  return byField;
}

async function currentTickets(
  client: ZendeskClient,
  ids: number[],
  signal?: AbortSignal,
): Promise<Map<number, z.infer<typeof TicketFields>>> {
  const out = new Map<number, z.infer<typeof TicketFields>>();
  for (let i = 0; i < ids.length; i += MAX_IDS) {
    const body = await client.transport.parse(
      { method: 'GET', template: '/api/v2/tickets/show_many', query: { ids: ids.slice(i, i + MAX_IDS) }, signal },
      'tickets',
      z.looseObject({ tickets: z.array(TicketFields) }),
    );
    for (const t of body.tickets) out.set(t.id, t);
  }
  return out;
}

const quote = (v: Value): string => (v === null || v === '' ? '(empty)' : `“${String(v).slice(0, 120)}”`);

function kindsOf(strings: readonly string[], who: Pick<SubjectKeys, 'emails' | 'phones'>): string {
  const kinds = new Set(strings.map((s) => (who.emails.includes(s) ? 'address' : who.phones.includes(s) ? 'number' : 'name')));
  return [...kinds].join(' and ');
}

export const ticketAuditsSurface: SurfaceDefinition = {
  id: 'ticket_audits',
  label: 'Ticket field values and their history',
  read: 'on_demand',
  async look({ client, subject, signal }) {
    const ids = [...new Set(subject.ticketIds)].sort((a, b) => a - b);
    if (ids.length > MAX_TICKETS)
      throw new HelpdeskError(
        'helpdesk_error',
        `The person takes part in ${ids.length} tickets; one look reads the audits of at most ${MAX_TICKETS}. Not read, so as not to report a partial look as complete`,
        'GET /api/v2/tickets/{ticket_id}/audits',
      );
    if (ids.length === 0) return [];
    const tickets = await currentTickets(client, ids, signal);
    const out: FoundItem[] = [];
    for (const ticketId of ids) {
      const ticket = tickets.get(ticketId);
      if (!ticket) continue;
      const audits = await readAudits(client, ticketId, signal);
      if (!audits) continue;
      const history = historyOf(audits);
      const current = new Map((ticket.custom_fields ?? []).map((f) => [f.id, scalar(f.value)]));
      for (const fieldId of new Set([...current.keys(), ...history.keys()])) {
        const now = current.get(fieldId) ?? null;
        const inNow = personValuesIn(now, subject);
        const earlier = (history.get(fieldId)?.values ?? []).filter((h) => h.value !== null && h.value !== '' && h.value !== now);
        const inEarlier = earlier.filter((h) => personValuesIn(h.value, subject).length > 0);
        if (inNow.length === 0 && inEarlier.length === 0) continue;
        const strings = [...new Set([...inNow, ...inEarlier.flatMap((h) => personValuesIn(h.value, subject))])];
        const kinds = kindsOf(strings, subject);
        out.push({
          surface: 'ticket_audits',
          id: `${ticketId}:${fieldId}`,
          ticketId,
          label:
            inNow.length > 0
              ? `Field ${fieldId} on ticket ${ticketId}: ${quote(now)}`
              : `Field ${fieldId} on ticket ${ticketId}: earlier ${quote(inEarlier.at(-1)!.value)} (since changed)`,
          at: (inNow.length > 0 ? null : inEarlier.at(-1)?.at) ?? history.get(fieldId)?.values.at(-1)?.at ?? null,
          roles: ['field_value'],
          why:
            inNow.length > 0
              ? `custom field ${fieldId} on ticket ${ticketId} holds the person’s ${kinds} now${inEarlier.length > 0 ? ', and held it earlier' : ''}`
              : `an earlier value of custom field ${fieldId} on ticket ${ticketId} held the person’s ${kinds}; Zendesk keeps it in the ticket’s audits`,
          record: {
            ticket_id: ticketId,
            ticket_status: ticket.status ?? null,
            field_id: fieldId,
            // Only values holding the person: the record goes into their access archive, and a
            // field's other values (an order number, someone else's name) are not theirs to see.
            current_value: inNow.length > 0 ? now : null,
            holds_person_now: inNow.length > 0,
            earlier_values: inEarlier.map((h) => ({ value: h.value, changed_at: h.at, by: h.by })) as Json[],
          },
          // Agents typed these values; the person provided none of them.
          provided: null,
          strings,
        });
      }
      const notified = notifiedItem(ticketId, ticket.status ?? null, audits, subject.userIds);
      if (notified) out.push(notified);
    }
    return out;
  },
  decide(item, ctx) {
    if (NOTIFIED.test(item.id))
      return decideWithTicket(item, ctx, {
        what: 'its audits',
        reasonCode: 'notification_history',
        reason: (onOthersTicket) =>
          `The ticket’s audits record the person as a recipient of its notifications, and Zendesk has no API to edit a ticket’s audits${onOthersTicket ? ' (the plan has no decision on this ticket)' : ''}`,
        fix: (ticketId) =>
          `Override ticket ${ticketId ?? ''} to delete: Zendesk keeps notification recipients in the audits until the ticket is deleted`,
      });
    const ticket = item.ticketId === null ? undefined : ctx.ticketDecision(item.ticketId);
    const now = item.record.holds_person_now === true;
    const closed = item.record.ticket_status === 'closed';
    const fieldId = item.record.field_id;
    const fix = `Override ticket ${item.ticketId ?? ''} to delete: Zendesk keeps field history until the ticket is deleted`;
    const out = (d: Omit<PlanSurfaceItem, 'surface' | 'id' | 'ticketId' | 'roles'>) => d;
    if (ticket === 'delete')
      return out({
        decision: 'delete',
        reasonCode: 'with_ticket',
        reason: 'Deleted with its ticket, history included',
        legalBasis: null,
        fix: null,
      });
    // A ticket kept under an exemption (a legal hold, a retention duty) is evidence as it stands.
    if (ticket === 'keep')
      return out({
        decision: 'keep',
        reasonCode: 'ticket_kept',
        reason: 'Kept as it stands with its ticket, whose audits Zendesk keeps',
        legalBasis: 'the ticket’s exemption (see the ticket’s decision)',
        fix: null,
      });
    if (now && !closed)
      return out({
        decision: 'redact',
        reasonCode: 'field_cleared',
        reason: `Field ${String(fieldId)} is cleared on the ticket (the rest of the ticket stays). Zendesk keeps the cleared value in the ticket’s audits until the ticket is deleted`,
        legalBasis: null,
        fix: null,
      });
    return out({
      decision: 'blocked',
      reasonCode: now ? 'closed_ticket_field' : 'field_history',
      reason: now
        ? `Field ${String(fieldId)} holds the person on a closed ticket, which Zendesk refuses to change`
        : `Only an earlier value of field ${String(fieldId)} holds the person: Zendesk has no API to edit a ticket’s audits`,
      legalBasis: null,
      fix,
    });
  },
  handler(client) {
    return singleOpHandler({
      concurrency: 2,
      async send(op, signal) {
        const p = op.payload as unknown as SurfaceOpPayload;
        // Decided delete: the ticket's own deletion (a later stage) takes the field and its history.
        if (p.decision === 'delete' && TICKET_OF.test(p.itemId)) return { opId: op.id, outcome: 'done' };
        const ref = ITEM.exec(p.itemId);
        if (!ref) return { opId: op.id, outcome: 'failed', code: 'invalid_input', message: `not a ticket field: ${p.itemId}` };
        try {
          await client.transport.json({
            method: 'PUT',
            template: '/api/v2/tickets/{ticket_id}',
            params: { ticket_id: Number(ref[1]) },
            body: { ticket: { custom_fields: [{ id: Number(ref[2]), value: null }] } },
            signal,
          });
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) => {
        const p = op.payload as unknown as SurfaceOpPayload;
        if (p.decision === 'delete') return { opId: op.id, state: 'done' };
        return (await currentHolds(client, p, signal)) ? { opId: op.id, state: 'absent' } : { opId: op.id, state: 'done' };
      }),
    });
  },
  async stillThere(client, op, signal) {
    if (op.decision === 'redact') return currentHolds(client, op, signal);
    // Decided delete with its ticket: the audits are gone once the ticket is.
    const ref = TICKET_OF.exec(op.itemId);
    if (!ref) return false;
    return (await readAudits(client, Number(ref[1]), signal)) !== null;
  },
};

/** The item of the notifications a ticket's audits record as sent to one of the person's accounts, if any. */
function notifiedItem(
  ticketId: number,
  status: string | null,
  audits: z.infer<typeof Audit>[],
  userIds: readonly number[],
): FoundItem | null {
  const who = new Set(userIds);
  const sent: { type: string; at: string | null; to: number[] }[] = [];
  for (const a of audits)
    for (const e of a.events) {
      if (!RECIPIENT_EVENTS.has(e.type)) continue;
      const to = (e.recipients ?? []).filter((r): r is number => typeof r === 'number' && who.has(r));
      if (to.length > 0) sent.push({ type: e.type, at: a.created_at ?? null, to: [...new Set(to)] });
    }
  if (sent.length === 0) return null;
  const copies = sent.filter((s) => s.type === 'Cc').length;
  const kinds = [
    sent.length - copies > 0 ? `${sent.length - copies} notification${sent.length - copies === 1 ? '' : 's'}` : '',
    copies > 0 ? `${copies} CC${copies === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return {
    surface: 'ticket_audits',
    id: `${ticketId}:notified`,
    ticketId,
    label: `Notifications on ticket ${ticketId}: ${kinds} sent to the person`,
    at: sent.at(-1)?.at ?? null,
    roles: ['recipient'],
    why: `the audits of ticket ${ticketId} record the person’s account as the recipient of ${kinds}`,
    // Only the person's own ids: who else was copied is not theirs to see.
    record: {
      ticket_id: ticketId,
      ticket_status: status,
      notifications: sent.map((s) => ({ type: s.type, sent_at: s.at, to_user_ids: s.to })) as Json[],
    },
    // Zendesk sent these; the person provided nothing.
    provided: null,
    strings: [],
  };
}

/** Whether the field's current value still holds the person (a deleted ticket holds nothing). */
async function currentHolds(client: ZendeskClient, p: SurfaceOpPayload, signal?: AbortSignal): Promise<boolean> {
  const ref = ITEM.exec(p.itemId);
  if (!ref) return false;
  try {
    const body = await client.transport.parse(
      { method: 'GET', template: '/api/v2/tickets/{ticket_id}', params: { ticket_id: Number(ref[1]) }, signal },
      'ticket',
      z.looseObject({ ticket: TicketFields }),
    );
    const field = (body.ticket.custom_fields ?? []).find((f) => f.id === Number(ref[2]));
    return holds(scalar(field?.value), p.strings);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
