import { z } from 'zod';
import type { SurfaceRole } from '../../../shared/schemas/surfaces';
import type { ZendeskClient } from '../helpdesk';
import { cursorPages } from '../helpdesk/pagination';
import { isNotFound } from '../journal/helpdesk-handlers';
import type { Json } from '../journal/types';
import { accountKey } from './side-conversation-index';
import { decideWithTicket } from './follow-ticket';
import { SurfaceIncomplete, type FoundItem, type SubjectKeys, type SurfaceDefinition } from './types';

/**
 * Side conversations: e-mail threads an agent starts from a ticket with someone outside its main
 * conversation (a supplier, a colleague, or an end user of the account). Zendesk names the outside
 * party by name and address only (`user_id` is set for agents), has no listing across tickets and
 * no search by participant, so a look reads every ticket's side conversations (one call a ticket,
 * cursor pages): the person's own tickets first, then every other ticket in the cache, because a
 * person can be a participant in someone else's ticket and nowhere else. The events of the matched
 * ones are read to tell what the person wrote (author) from what was sent to them (recipient).
 *
 * Zendesk offers no API to delete a side conversation or redact its messages (only its subject and
 * state can be changed): it goes with its ticket's deletion, so the plan deletes it with its
 * ticket, keeps it with its ticket, or blocks it with the fix.
 */

const Participant = z.looseObject({
  user_id: z.number().int().nullable().optional(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
});
type Participant = z.infer<typeof Participant>;

const SideConversation = z.looseObject({
  id: z.string().min(1).max(200),
  ticket_id: z.number().int().positive().nullable().optional(),
  subject: z.string().nullable().optional(),
  preview_text: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  participants: z.array(Participant).nullable().optional(),
  created_at: z.string().nullable().optional(),
});
type SideConversation = z.infer<typeof SideConversation>;

const Message = z.looseObject({
  subject: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  html_body: z.string().nullable().optional(),
  from: Participant.nullable().optional(),
  to: z.array(Participant).nullable().optional(),
});

const SideEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string().nullable().optional(),
  actor: Participant.nullable().optional(),
  message: Message.nullable().optional(),
  created_at: z.string().nullable().optional(),
});
type SideEvent = z.infer<typeof SideEvent>;

const PAGE = 100;

function matcher(subject: SubjectKeys): (p: Participant | null | undefined) => 'account' | 'email' | null {
  const accounts = new Set(subject.userIds);
  const emails = new Set(subject.emails);
  return (p) => {
    if (!p) return null;
    if (typeof p.user_id === 'number' && accounts.has(p.user_id)) return 'account';
    if (typeof p.email === 'string' && emails.has(p.email.trim().toLowerCase())) return 'email';
    return null;
  };
}

async function* conversationsOf(
  ctx: Parameters<NonNullable<SurfaceDefinition['look']>>[0],
  ticketId: number,
): AsyncGenerator<SideConversation> {
  const pages = cursorPages(
    ctx.client.transport,
    {
      spec: {
        method: 'GET',
        template: '/api/v2/tickets/{ticket_id}/side_conversations',
        params: { ticket_id: ticketId },
        signal: ctx.signal,
      },
      key: 'side_conversations',
      item: SideConversation,
    },
    PAGE,
  );
  for await (const page of pages) yield* page.items;
}

async function eventsOf(ctx: Parameters<NonNullable<SurfaceDefinition['look']>>[0], ticketId: number, id: string): Promise<SideEvent[]> {
  const out: SideEvent[] = [];
  const pages = cursorPages(
    ctx.client.transport,
    {
      spec: {
        method: 'GET',
        template: '/api/v2/tickets/{ticket_id}/side_conversations/{side_conversation_id}/events',
        params: { ticket_id: ticketId, side_conversation_id: id },
        signal: ctx.signal,
      },
      key: 'events',
      item: SideEvent,
    },
    PAGE,
  );
  for await (const page of pages) out.push(...page.items);
  return out;
}

function toItem(
  c: SideConversation,
  ticketId: number,
  events: SideEvent[],
  matchedBy: 'account' | 'email',
  own: boolean,
  isMe: ReturnType<typeof matcher>,
): FoundItem {
  const roles = new Set<SurfaceRole>(['participant']);
  const wrote: Array<Record<string, Json>> = [];
  const strings = new Set<string>();
  const others = new Set<string>();
  for (const p of c.participants ?? []) {
    const name = typeof p.name === 'string' ? p.name.trim() : '';
    if (isMe(p)) {
      for (const s of [p.email, p.name]) if (typeof s === 'string' && s.length > 0) strings.add(s);
    } else if (name.length > 0) others.add(name);
  }
  for (const e of events) {
    const m = e.message;
    if (!m) continue;
    if (isMe(m.from)) {
      roles.add('author');
      wrote.push({ subject: m.subject ?? null, body: m.body ?? null, sentAt: e.created_at ?? null });
      if (m.body) strings.add(m.body);
    }
    if ((m.to ?? []).some((p) => isMe(p))) roles.add('recipient');
  }
  const record = JSON.parse(JSON.stringify({ ...c, events })) as Record<string, Json>;
  const how = matchedBy === 'account' ? 'by one of the person’s accounts' : 'by the person’s e-mail address';
  return {
    surface: 'side_conversations',
    id: c.id,
    ticketId,
    label: `${c.subject ?? '(no subject)'} — ticket ${ticketId}${c.state ? `, ${c.state}` : ''}`,
    at: c.created_at ?? null,
    roles: [...roles],
    why: own
      ? `participant ${how} in a side conversation of ticket ${ticketId}, one of the person’s tickets`
      : `participant ${how} in a side conversation of ticket ${ticketId}, a ticket the person is not otherwise on`,
    record,
    // Only what the person wrote: the messages they sent, never what others sent them.
    provided: wrote.length > 0 ? { messages: wrote } : null,
    strings: [...strings],
    otherNames: [...others],
  };
}

/** The index's keys of a side conversation's participants: `u:<id>` for accounts, lower-cased addresses. */
function participantKeys(c: SideConversation): string[] {
  const keys: string[] = [];
  for (const p of c.participants ?? []) {
    if (typeof p.user_id === 'number') keys.push(accountKey(p.user_id));
    if (typeof p.email === 'string' && p.email.trim().length > 0) keys.push(p.email.trim().toLowerCase());
  }
  return keys;
}

/**
 * The participants' keys of every side conversation of one ticket (what the index keeps), for
 * the background fill (side-conversation-fill.ts); null when the ticket answers 404.
 */
export async function ticketParticipantKeys(client: ZendeskClient, ticketId: number, signal?: AbortSignal): Promise<string[] | null> {
  const keys = new Set<string>();
  try {
    for await (const c of conversationsOf({ client, subject: NOBODY, signal }, ticketId)) for (const k of participantKeys(c)) keys.add(k);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  return [...keys];
}

const NOBODY: SubjectKeys = { userIds: [], emails: [], phones: [], names: [], ticketIds: [] };

export const sideConversationsSurface: SurfaceDefinition = {
  id: 'side_conversations',
  label: 'Side conversations',
  read: 'on_demand',
  async look(ctx) {
    const isMe = matcher(ctx.subject);
    const own = new Set(ctx.subject.ticketIds);
    const tickets = [...ctx.subject.ticketIds, ...(ctx.subject.otherTicketIds ?? []).filter((id) => !own.has(id))];
    const out: FoundItem[] = [];
    let gone = 0;
    let lastNotFound: unknown;
    for (const ticketId of tickets) {
      const keys = new Set<string>();
      try {
        for await (const c of conversationsOf(ctx, ticketId)) {
          for (const k of participantKeys(c)) keys.add(k);
          const hits = (c.participants ?? []).map((p) => isMe(p)).filter((m): m is 'account' | 'email' => m !== null);
          if (hits.length === 0) continue;
          const events = await eventsOf(ctx, ticketId, c.id);
          out.push(toItem(c, ticketId, events, hits.includes('account') ? 'account' : 'email', own.has(ticketId), isMe));
        }
        ctx.subject.onTicketRead?.(ticketId, [...keys]);
      } catch (error) {
        // A ticket deleted since the cache saw it takes its side conversations with it.
        if (!isNotFound(error)) throw error;
        gone++;
        lastNotFound = error;
      }
    }
    // Every ticket answering 404 is the feature missing (no Collaboration add-on), not emptiness.
    if (tickets.length > 0 && gone === tickets.length) throw lastNotFound;
    const left = ctx.subject.otherTicketsLeft ?? 0;
    if (left > 0)
      throw new SurfaceIncomplete(
        `Read the side conversations of ${tickets.length} tickets; ${left} other tickets are not read yet (one call each, within the rate budget): look again to go on`,
      );
    return out;
  },
  decide: (item, ctx) =>
    decideWithTicket(item, ctx, {
      what: 'a side conversation',
      reasonCode: 'side_conversation_not_erasable',
      reason: (onOthersTicket) =>
        onOthersTicket
          ? 'The person is only a participant here: Zendesk has no API to delete a side conversation or redact its messages, and the ticket is someone else’s'
          : 'Zendesk has no API to delete a side conversation or redact its messages, and its ticket is not being deleted',
      fix: (ticketId) =>
        `Delete ticket ${ticketId ?? ''} (the side conversation goes with it), or ask Zendesk support to remove the side conversation`,
    }),
  // Verification of one deleted with its ticket: the side conversation must no longer be readable
  // (its ticket answers 404 once deleted, soft or permanent).
  async stillThere(client, op, signal) {
    if (op.ticketId === null) return true; // cannot be read back: never reported gone
    try {
      await client.transport.json({
        method: 'GET',
        template: '/api/v2/tickets/{ticket_id}/side_conversations/{side_conversation_id}',
        params: { ticket_id: op.ticketId, side_conversation_id: op.itemId },
        signal,
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  },
};
