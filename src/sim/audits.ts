import { HISTORY_SLOT, isoSeconds as iso } from './dataset';
import { HttpError, idParam, notFound, paginate, type Ctx, type Router } from './http';
import { hash } from './rng';
import type { SimState } from './state';
import type { CommentRecord } from './types';
import { SIM_STREAM } from './streams';

/**
 * Ticket audits (`GET /api/v2/tickets/{ticket_id}/audits`): the ticket's whole history, derived
 * from the dataset and the state's change log rather than stored. A generated ticket has one
 * audit per comment (the first also carries the Create events: subject, requester, custom field
 * values, and a Notification to the requester). About one ticket in four also had field 360002
 * (the free-text field agents misuse) filled with "Call back <requester> on <number or address>"
 * when it was created, and an agent later changed it to what the ticket holds now: the earlier
 * value survives only here, as Zendesk keeps it until the ticket is deleted. Every
 * `PUT /api/v2/tickets/{id}` adds an audit with a Change event per changed field (custom fields
 * by their id as `field_name`, as Zendesk writes them). Audits of a deleted ticket answer 404.
 */

const STREAM = SIM_STREAM.audits;
/** Notifications of later comments (a stream of its own, so the draws above are unchanged). */
const RECIPIENT_STREAM = SIM_STREAM.auditRecipients;
export const MISUSED_FIELD = 360_002;

type Value = string | number | boolean | null;

export interface AuditEvent {
  id: number;
  type: 'Create' | 'Change' | 'Comment' | 'Notification' | 'Cc';
  [key: string]: unknown;
}

export interface Audit {
  id: number;
  ticket_id: number;
  created_at: string;
  author_id: number;
  via: { channel: string; source: Record<string, unknown> };
  metadata: { system: Record<string, unknown>; custom: Record<string, unknown> };
  events: AuditEvent[];
}

/** The value field 360002 held when a generated ticket was created, when it was changed since. */
export function earlierFieldValue(state: SimState, ti: number): string | null {
  const ds = state.ds;
  if (hash(ds.seed, STREAM, ti, 1) % 4 !== 0) return null;
  const requester = ds.ticketHead(ti).requester;
  const name = ds.displayName(requester).trim();
  const contact = ds.phone(requester) ?? ds.primaryEmail(requester);
  return contact ? `Call back ${name} on ${contact}` : `Call back ${name}`;
}

function commentEvent(c: CommentRecord): AuditEvent {
  return {
    id: c.id,
    type: 'Comment',
    author_id: c.author_id,
    body: c.body,
    html_body: c.html_body,
    plain_body: c.plain_body,
    public: c.public,
    attachments: c.attachments,
    audit_id: c.audit_id,
  };
}

const customFieldMap = (list: readonly { id: number; value: Value }[] | undefined): Map<number, Value> =>
  new Map((list ?? []).map((f) => [f.id, f.value ?? null]));

/**
 * The notifications a later public comment sent, in about two comments of three: the requester's
 * "updated" e-mail and, when the ticket had CCs, the copy to them. Zendesk's audit events name
 * recipients by user id only (Notification and Cc events, `recipients: [ids]`, in the Ticket
 * Audit events reference); the CCs are the generated ones, so a CC removed later stays a
 * recipient here.
 */
function laterNotifications(state: SimState, ti: number, j: number, auditId: number, isPublic: boolean): AuditEvent[] {
  const ds = state.ds;
  if (!isPublic || hash(ds.seed, RECIPIENT_STREAM, ti, j) % 3 === 0) return [];
  const head = ds.ticketHead(ti);
  const events: AuditEvent[] = [
    {
      id: auditId * 8 + 6,
      type: 'Notification',
      subject: '[{{ticket.account}}] Re: {{ticket.title}}',
      body: 'Your request ({{ticket.id}}) has been updated.',
      recipients: [ds.userId(head.requester)],
    },
  ];
  if (head.ccs.length > 0)
    events.push({ id: auditId * 8 + 7, type: 'Cc', body: '{{ticket.latest_comment}}', recipients: head.ccs.map((u) => ds.userId(u)) });
  return events;
}

/** Every audit of a live ticket in creation order, or undefined when the ticket is not live. */
export function ticketAudits(state: SimState, ticketId: number): Audit[] | undefined {
  const ds = state.ds;
  const ti = ds.ticketIndex(ticketId);
  const view = state.ticketView(ticketId);
  if (ti === undefined || !view || view.state !== 'live') return undefined;
  const sk = ds.ticketSkeleton(ti);
  const base = ds.baseTicket(ti);
  const earlier = earlierFieldValue(state, ti);
  const audits: (Audit & { ms: number })[] = [];
  const comments = state.ticketComments(ticketId);
  sk.comments.forEach((c, j) => {
    const id = ds.auditId(ti, j, sk);
    const comment = comments[j]!;
    const events: AuditEvent[] = [];
    if (j === 0) {
      let k = 1;
      events.push({ id: id * 8 + k++, type: 'Create', field_name: 'subject', value: base.subject });
      events.push({ id: id * 8 + k++, type: 'Create', field_name: 'requester_id', value: String(base.requester_id) });
      events.push({ id: id * 8 + k++, type: 'Create', field_name: 'status', value: 'new' });
      for (const f of base.custom_fields) {
        const value = f.id === MISUSED_FIELD && earlier !== null ? earlier : f.value;
        if (value !== null) events.push({ id: id * 8 + k++, type: 'Create', field_name: String(f.id), value });
      }
    }
    events.push(commentEvent(comment));
    if (j === 0)
      events.push({
        id: id * 8 + 7,
        type: 'Notification',
        subject: '[{{ticket.account}}] Re: {{ticket.title}}',
        body: 'Your request ({{ticket.id}}) has been received.',
        recipients: [base.requester_id],
      });
    else events.push(...laterNotifications(state, ti, j, id, comment.public));
    audits.push({
      id,
      ticket_id: ticketId,
      created_at: iso(c.createdMs),
      ms: c.createdMs,
      author_id: comment.author_id,
      via: comment.via as Audit['via'],
      metadata: { system: comment.metadata.system as Record<string, unknown>, custom: {} },
      events,
    });
  });
  if (earlier !== null) {
    const id = ds.auditId(ti, HISTORY_SLOT, sk);
    const ms = ds.historyChangeMs(ti, sk);
    const current = base.custom_fields.find((f) => f.id === MISUSED_FIELD)?.value ?? null;
    audits.push({
      id,
      ticket_id: ticketId,
      created_at: iso(ms),
      ms,
      author_id: ds.userId(sk.assignee ?? 1),
      via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
      metadata: { system: {}, custom: {} },
      events: [{ id: id * 8 + 1, type: 'Change', field_name: String(MISUSED_FIELD), value: current, previous_value: earlier }],
    });
  }
  for (const e of state.events) {
    if (e.ticketId !== ticketId) continue;
    const events: AuditEvent[] = [];
    let k = 1;
    for (const c of e.changes) {
      if (c.field_name === 'custom_fields') {
        // Zendesk writes one Change per custom field, named by the field's id.
        const before = customFieldMap(c.previous_value as { id: number; value: Value }[]);
        const after = customFieldMap(c.value as { id: number; value: Value }[]);
        for (const [fieldId, value] of after) {
          const previous = before.get(fieldId) ?? null;
          if (previous !== value)
            events.push({ id: e.id * 8 + k++, type: 'Change', field_name: String(fieldId), value, previous_value: previous });
        }
      } else
        events.push({ id: e.id * 8 + k++, type: 'Change', field_name: c.field_name, value: c.value, previous_value: c.previous_value });
    }
    const comment = e.comment === null ? undefined : state.comments.get(e.comment);
    if (comment) events.push(commentEvent(comment));
    audits.push({
      id: e.id,
      ticket_id: ticketId,
      created_at: iso(e.ms),
      ms: e.ms,
      author_id: e.updaterId,
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      metadata: { system: { client: 'lethe-sim', ip_address: '127.0.0.1' }, custom: {} },
      events,
    });
  }
  audits.sort((a, b) => a.ms - b.ms || a.id - b.id);
  return audits.map(({ ms: _ms, ...a }) => a);
}

/**
 * Scripted trouble, so tests can watch Lethe retry and then report the surface as not searched:
 * the next `times` audit requests answer `status`.
 */
const troubleByState = new WeakMap<SimState, { status: number; times: number }>();
export function troubleAudits(state: SimState, status: 429 | 500 | 503, times: number): void {
  troubleByState.set(state, { status, times });
}

export function registerAuditRoutes(r: Router): void {
  r.add('GET', '/api/v2/tickets/:id/audits', (ctx: Ctx) => {
    const t = troubleByState.get(ctx.state);
    if (t && t.times > 0) {
      t.times--;
      if (t.status === 429) throw new HttpError(429, { error: 'TooManyRequests' }, { 'Retry-After': '1' });
      throw new HttpError(t.status, { error: 'InternalServerError' });
    }
    const audits = ticketAudits(ctx.state, idParam(ctx, 'id'));
    if (!audits) throw notFound();
    if (ctx.query.get('sort_order') === 'desc') audits.reverse();
    return paginate(ctx, audits, 'audits');
  });
  r.add('GET', '/api/v2/tickets/:id/audits/:audit_id', (ctx: Ctx) => {
    const audit = ticketAudits(ctx.state, idParam(ctx, 'id'))?.find((a) => a.id === idParam(ctx, 'audit_id'));
    if (!audit) throw notFound();
    return { audit };
  });
}

// ---- ground truth ------------------------------------------------------------------------

export interface FieldValueTruth {
  ticketId: number;
  fieldId: number;
  /** Whether the value the ticket holds now names the person (else only an earlier one does). */
  current: boolean;
}

export interface PersonValues {
  names: readonly string[];
  emails: readonly string[];
  phones: readonly string[];
}

const fold = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Whether a field value holds the person: one of their addresses (case-insensitive), one of their
 * numbers (by digits, anywhere in the value's digit runs) or one of their names (at least two
 * letters, case- and space-insensitive).
 */
export function valueHoldsPerson(value: unknown, who: PersonValues): boolean {
  if (typeof value !== 'string' || !value.trim()) return false;
  const text = fold(value);
  if (who.emails.some((e) => e.trim() && text.includes(fold(e)))) return true;
  const runs = (value.match(/[\d\s().+-]{6,}/g) ?? []).map((r) => r.replace(/\D/g, ''));
  if (who.phones.some((p) => p.replace(/\D/g, '').length >= 6 && runs.includes(p.replace(/\D/g, '')))) return true;
  return who.names.some((n) => fold(n).length >= 2 && text.includes(fold(n)));
}

/**
 * Ground truth: per live ticket of `ticketIds`, the custom fields whose current value or any
 * earlier value (in the audits) holds the person.
 */
export function fieldValuesOf(state: SimState, ticketIds: readonly number[], who: PersonValues): FieldValueTruth[] {
  const out: FieldValueTruth[] = [];
  for (const ticketId of [...new Set(ticketIds)].sort((a, b) => a - b)) {
    const audits = ticketAudits(state, ticketId);
    const view = state.ticketView(ticketId);
    if (!audits || !view) continue;
    const seen = new Map<number, boolean>();
    for (const f of view.rec.custom_fields) if (valueHoldsPerson(f.value, who)) seen.set(f.id, true);
    for (const a of audits)
      for (const e of a.events) {
        if ((e.type !== 'Create' && e.type !== 'Change') || !/^\d+$/.test(String(e.field_name))) continue;
        const fieldId = Number(e.field_name);
        if (!seen.has(fieldId) && (valueHoldsPerson(e.value, who) || valueHoldsPerson(e.previous_value, who))) seen.set(fieldId, false);
      }
    for (const [fieldId, current] of seen) out.push({ ticketId, fieldId, current });
  }
  return out.sort((a, b) => a.ticketId - b.ticketId || a.fieldId - b.fieldId);
}

/** Audit event types that name the users a notification went to, in `recipients`. */
export const RECIPIENT_EVENTS: ReadonlySet<string> = new Set(['Notification', 'NotificationWithCcs', 'FollowerNotification', 'Cc']);

/**
 * Ground truth: the live tickets of `ticketIds` whose audits record one of `userIds` as the
 * recipient of a notification.
 */
export function notifiedOn(state: SimState, ticketIds: readonly number[], userIds: readonly number[]): number[] {
  const who = new Set(userIds);
  const out: number[] = [];
  for (const ticketId of [...new Set(ticketIds)].sort((a, b) => a - b)) {
    const audits = ticketAudits(state, ticketId) ?? [];
    const named = audits.some((a) =>
      a.events.some((e) => RECIPIENT_EVENTS.has(e.type) && Array.isArray(e.recipients) && e.recipients.some((r) => who.has(r as number))),
    );
    if (named) out.push(ticketId);
  }
  return out;
}
