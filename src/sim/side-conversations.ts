import { isoSeconds, type Dataset } from './dataset';
import { HttpError, notFound, paginate, type Ctx, type Router } from './http';
import { hash } from './rng';
import type { SimState } from './state';
import { SIM_STREAM } from './streams';

/**
 * Side conversations, as Zendesk keeps them (Collaboration add-on): e-mail threads an agent starts
 * from a ticket with someone outside its main conversation. Each has participants (the agent with
 * `user_id`; the outside party by name and e-mail only, also when they are an end user of the
 * account) and events (`create` and `reply` carry a message with `from` and `to`). Generated
 * lazily per ticket: about a third of the tickets have one or two, and two thirds of the outside
 * parties are end users of the account: sometimes the ticket's requester, otherwise anyone (so a
 * person can appear only in a side conversation of someone else's ticket), some with their address
 * typed in capitals; the rest are suppliers. Zendesk has no API to delete a side conversation or redact its messages:
 * they go with their ticket, so a ticket that is not live answers 404 here, like the ticket.
 *
 * Paths: `GET /api/v2/tickets/{ticket_id}/side_conversations` (`include=events` sideloads each
 * one's events), `.../{side_conversation_id}` and `.../{side_conversation_id}/events`, with
 * cursor (`page[size]`) or offset pages. Not in Zendesk's OAS; shapes follow its API reference.
 */

const STREAM = SIM_STREAM.sideConversations;

export interface SideParticipant {
  user_id: number | null;
  name: string;
  email: string;
}

interface Generated {
  id: string;
  ticketId: number;
  agent: SideParticipant;
  other: SideParticipant;
  /** A supplier copied on a thread with an end user (a side conversation can have several recipients). */
  copied: SideParticipant | null;
  /** The dataset index of the outside party when they are an end user of the account. */
  otherIndex: number | undefined;
  replied: boolean;
  closed: boolean;
  subject: string;
  createdMs: number;
}

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(8, '0').slice(-width);

/** A UUID-shaped id, stable per (ticket, position), unique across the dataset. */
function uuidOf(ds: Dataset, ti: number, j: number): string {
  const a = hash(ds.seed, STREAM, ti, 100 + j);
  const b = hash(ds.seed, STREAM, ti, 200 + j);
  return `${hex(a, 8)}-${hex(b, 4)}-11e8-${hex(b >>> 16, 4)}-${hex(ti, 8)}${hex(j, 4)}`;
}

export const sideCount = (ds: Dataset, ti: number): number =>
  hash(ds.seed, STREAM, ti, 1) % 3 === 0 ? 1 + (hash(ds.seed, STREAM, ti, 2) % 2) : 0;

function firstAgent(ds: Dataset): number {
  for (let i = 1; i < ds.userCount; i++) if (ds.isAgentIndex(i) && ds.primaryEmail(i) !== null) return i;
  return 0;
}

function otherParty(ds: Dataset, ti: number, j: number, requesterIndex: number | undefined): number | undefined {
  const pick = hash(ds.seed, STREAM, ti, 10 + j) % 6;
  if (pick < 2) return undefined;
  // A private thread with the requester (payment details, a document they would not put on the ticket).
  if (pick === 2 && requesterIndex !== undefined && !ds.isAgentIndex(requesterIndex) && ds.primaryEmail(requesterIndex) !== null)
    return requesterIndex;
  for (let tries = 0; tries < 8; tries++) {
    const i = hash(ds.seed, STREAM, ti, 20 + j * 8 + tries) % ds.userCount;
    if (!ds.isAgentIndex(i) && ds.primaryEmail(i) !== null) return i;
  }
  return undefined;
}

function generated(state: SimState, ti: number, j: number): Generated {
  const ds = state.ds;
  const ticketId = ds.ticketId(ti);
  const rec = state.ticketView(ticketId)?.rec;
  const assigneeIndex = rec?.assignee_id != null ? ds.userIndex(rec.assignee_id) : undefined;
  const ai =
    assigneeIndex !== undefined && ds.isAgentIndex(assigneeIndex) && ds.primaryEmail(assigneeIndex) ? assigneeIndex : firstAgent(ds);
  const agent: SideParticipant = {
    user_id: ds.userId(ai),
    name: ds.displayName(ai).trim(),
    email: ds.primaryEmail(ai) ?? 'agent@example.test',
  };
  const requesterIndex = rec?.requester_id != null ? ds.userIndex(rec.requester_id) : undefined;
  const oi = otherParty(ds, ti, j, requesterIndex);
  let other: SideParticipant;
  if (oi === undefined) {
    const k = hash(ds.seed, STREAM, ti, 40 + j) % 50;
    other = { user_id: null, name: `Supplier desk ${k}`, email: `orders-${k}@partner-supplies.test` };
  } else {
    const email = ds.primaryEmail(oi)!;
    const typed = hash(ds.seed, STREAM, ti, 50 + j) % 4 === 0 ? email.toUpperCase() : email;
    // Zendesk names only agents by user_id; an end user is a participant by name and address.
    other = { user_id: null, name: ds.displayName(oi).trim(), email: typed };
  }
  const createdMs = ds.epochMs - (2 + (hash(ds.seed, STREAM, ti, 60 + j) % 300)) * 3_600_000;
  return {
    id: uuidOf(ds, ti, j),
    ticketId,
    agent,
    other,
    copied:
      oi !== undefined && hash(ds.seed, STREAM, ti, 90 + j) % 2 === 0
        ? { user_id: null, name: `Courier desk ${hash(ds.seed, STREAM, ti, 95 + j) % 20}`, email: `dispatch@courier-${j}.test` }
        : null,
    otherIndex: oi,
    replied: hash(ds.seed, STREAM, ti, 70 + j) % 3 !== 0,
    closed: hash(ds.seed, STREAM, ti, 80 + j) % 2 === 0,
    subject: oi === undefined ? `Replacement part for ticket ${ticketId}` : `Question about ticket ${ticketId}`,
    createdMs,
  };
}

function eventsOf(state: SimState, g: Generated, base: string): Record<string, unknown>[] {
  const ds = state.ds;
  const url = `${base}/api/v2/tickets/${g.ticketId}/side_conversations/${g.id}/events`;
  const phone = g.otherIndex === undefined ? null : ds.phone(g.otherIndex);
  const ev = (n: number, type: string, actor: SideParticipant, atMs: number, rest: Record<string, unknown>): Record<string, unknown> => ({
    id: `${g.id.slice(0, 24)}${hex(n, 12)}`,
    side_conversation_id: g.id,
    ticket_id: g.ticketId,
    type,
    actor,
    via: type === 'create' ? 'support' : 'email',
    created_at: isoSeconds(atMs),
    url,
    message: null,
    updates: null,
    ...rest,
  });
  const copied = g.copied ? [g.copied] : [];
  const message = (from: SideParticipant, to: SideParticipant, body: string): Record<string, unknown> => ({
    subject: g.subject,
    preview_text: body.slice(0, 60),
    body,
    html_body: `<p>${body}</p>`,
    from,
    to: [to, ...copied],
    external_ids: {},
    attachments: [],
  });
  const out = [
    ev(1, 'create', g.agent, g.createdMs, {
      message: message(g.agent, g.other, `Hello ${g.other.name}, could you help us with ticket ${g.ticketId}?`),
    }),
  ];
  if (g.replied)
    out.push(
      ev(2, 'reply', g.other, g.createdMs + 3_600_000, {
        message: message(
          g.other,
          g.agent,
          `Hi, this is ${g.other.name}.${phone ? ` Call me on ${phone}.` : ''} Write to ${g.other.email.toLowerCase()}.`,
        ),
      }),
    );
  if (g.closed) out.push(ev(3, 'update', g.agent, g.createdMs + 7_200_000, { updates: { state: 'closed' } }));
  return out;
}

function conversationJson(state: SimState, g: Generated, base: string): Record<string, unknown> {
  const events = eventsOf(state, g, base);
  const last = events.filter((e) => e.message !== null).at(-1)!;
  const updated = events.at(-1)!.created_at as string;
  const preview = (last.message as { preview_text: string }).preview_text;
  return {
    id: g.id,
    url: `${base}/api/v2/tickets/${g.ticketId}/side_conversations/${g.id}`,
    ticket_id: g.ticketId,
    subject: g.subject,
    preview_text: preview,
    state: g.closed ? 'closed' : 'open',
    participants: [g.agent, g.other, ...(g.copied ? [g.copied] : [])],
    external_ids: {},
    created_at: isoSeconds(g.createdMs),
    updated_at: updated,
    message_added_at: last.created_at,
    state_updated_at: updated,
  };
}

/** Scripted trouble for the listing (as for suspended tickets): the next `times` answer `status`. */
const troubleByState = new WeakMap<SimState, { status: number; times: number }>();
export function troubleSideConversations(state: SimState, status: 429 | 500 | 503, times: number): void {
  troubleByState.set(state, { status, times });
}
function trouble(ctx: Ctx): void {
  const t = troubleByState.get(ctx.state);
  if (!t || t.times <= 0) return;
  t.times--;
  if (t.status === 429) throw new HttpError(429, { error: 'TooManyRequests' }, { 'Retry-After': '1' });
  throw new HttpError(t.status, { error: 'InternalServerError' });
}

/** The ticket's index when it is live (side conversations go with their ticket), else 404. */
function liveTicketIndex(ctx: Ctx): number {
  const raw = ctx.params.ticket_id ?? '';
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  const ti = Number.isFinite(id) ? ctx.state.ds.ticketIndex(id) : undefined;
  if (ti === undefined || ctx.state.ticketView(id)?.state !== 'live') throw notFound();
  return ti;
}

function conversationsOf(state: SimState, ti: number): Generated[] {
  const out: Generated[] = [];
  for (let j = 0; j < sideCount(state.ds, ti); j++) out.push(generated(state, ti, j));
  return out;
}

function one(ctx: Ctx): Generated {
  const g = conversationsOf(ctx.state, liveTicketIndex(ctx)).find((c) => c.id === ctx.params.side_conversation_id);
  if (!g) throw notFound();
  return g;
}

export function registerSideConversationRoutes(r: Router): void {
  r.add('GET', '/api/v2/tickets/:ticket_id/side_conversations', (ctx) => {
    trouble(ctx);
    const all = conversationsOf(ctx.state, liveTicketIndex(ctx));
    const page = paginate(ctx, all, 'side_conversations');
    const rows = page.side_conversations as Generated[];
    page.side_conversations = rows.map((g) => conversationJson(ctx.state, g, ctx.base));
    const include = (ctx.query.get('include') ?? '').split(',');
    if (include.includes('events')) page.events = rows.flatMap((g) => eventsOf(ctx.state, g, ctx.base));
    return page;
  });
  r.add('GET', '/api/v2/tickets/:ticket_id/side_conversations/:side_conversation_id', (ctx) => {
    const g = one(ctx);
    const out: Record<string, unknown> = { side_conversation: conversationJson(ctx.state, g, ctx.base) };
    if ((ctx.query.get('include') ?? '').split(',').includes('events')) out.events = eventsOf(ctx.state, g, ctx.base);
    return out;
  });
  r.add('GET', '/api/v2/tickets/:ticket_id/side_conversations/:side_conversation_id/events', (ctx) => {
    trouble(ctx);
    return paginate(ctx, eventsOf(ctx.state, one(ctx), ctx.base), 'events');
  });
}

/**
 * Ground truth: the side conversations of live tickets in which the subject is a participant, by
 * account id or (case-insensitively) by address, with the ticket each belongs to.
 */
export function sideConversationsOf(
  state: SimState,
  userIds: readonly number[],
  emails: readonly string[],
): Array<{ id: string; ticketId: number }> {
  const own = new Set(userIds);
  const addresses = new Set(emails.map((e) => e.toLowerCase()));
  const out: Array<{ id: string; ticketId: number }> = [];
  for (let ti = 0; ti < state.ds.ticketCount; ti++) {
    if (sideCount(state.ds, ti) === 0 || state.ticketView(state.ds.ticketId(ti))?.state !== 'live') continue;
    for (const g of conversationsOf(state, ti))
      if (
        [g.agent, g.other, ...(g.copied ? [g.copied] : [])].some(
          (p) => (p.user_id !== null && own.has(p.user_id)) || addresses.has(p.email.toLowerCase()),
        )
      )
        out.push({ id: g.id, ticketId: g.ticketId });
  }
  return out;
}
