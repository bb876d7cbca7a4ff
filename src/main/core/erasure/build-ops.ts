import type { ErasurePlan } from '../../../shared/contract/groups/erasure';
import type { NewOperation } from '../journal';
import type { SubjectFacts } from './facts';
import { OP, type RedactPayload } from './zendesk-ops';

/**
 * The journal operations of a plan, in stages:
 *   10 revoke sessions, close tickets (accepted fix), redact comments and attachments
 *   20 soft-delete tickets (destroy_many, 100 a job)
 *   30 permanently delete them (deleted_tickets/destroy_many), each after its own soft delete
 *   40 soft-delete accounts, after the tickets that blocked them are closed or deleted
 *   50 permanently delete accounts
 */
export function buildOperations(plan: ErasurePlan, facts: SubjectFacts): NewOperation[] {
  const ops: NewOperation[] = [];
  const deleteTickets = plan.tickets.filter((t) => t.decision === 'delete');
  const redactTickets = plan.tickets.filter((t) => t.decision === 'redact');
  const deleteAccounts = plan.accounts.filter((a) => a.decision === 'delete');

  for (const a of deleteAccounts) {
    if (!a.alreadyDeleted) ops.push({ ref: `sessions:${a.userId}`, stage: 10, kind: OP.revokeSessions, targets: [a.userId] });
  }
  const closeRefs = new Map<number, string>();
  for (const a of deleteAccounts) {
    if (a.proposed !== 'blocked' || a.fix?.action !== 'close_tickets') continue;
    for (const ticketId of a.fix.ticketIds) {
      if (deleteTickets.some((t) => t.ticketId === ticketId) || closeRefs.has(ticketId)) continue;
      const ref = `close:${ticketId}`;
      closeRefs.set(ticketId, ref);
      ops.push({ ref, stage: 10, kind: OP.closeTicket, targets: [ticketId] });
    }
  }
  // The name beside a quoted address goes with it where the officer accepted (the plan's default).
  const namesOf = new Map(plan.mentions.map((m) => [m.commentId, m.name?.redact ? m.name.strings : []]));
  for (const t of redactTickets) {
    const fact = facts.tickets.get(t.ticketId);
    if (!fact) continue;
    for (const c of fact.comments) {
      const payload: RedactPayload = {
        ticketId: t.ticketId,
        strings: c.own ? c.strings : [...c.strings, ...(namesOf.get(c.id) ?? [])],
        attachments: c.own ? c.attachments.map((a) => ({ id: a.id, url: a.url })) : [],
      };
      if (payload.strings.length === 0 && payload.attachments.length === 0) continue;
      ops.push({ ref: `redact:${c.id}`, stage: 10, kind: OP.redactComment, targets: [c.id], payload: payload as never });
    }
  }
  const softRefs = new Map<number, string>();
  for (const t of deleteTickets) {
    if (t.deletedUpstream) continue;
    const ref = `soft:${t.ticketId}`;
    softRefs.set(t.ticketId, ref);
    ops.push({ ref, stage: 20, kind: OP.softDeleteTickets, targets: [t.ticketId] });
  }
  for (const t of deleteTickets) {
    const soft = softRefs.get(t.ticketId);
    ops.push({
      ref: `purge:${t.ticketId}`,
      stage: 30,
      kind: OP.purgeTickets,
      targets: [t.ticketId],
      ...(soft ? { dependsOn: [soft] } : {}),
    });
  }
  for (const a of deleteAccounts) {
    let softUser: string | undefined;
    if (!a.alreadyDeleted) {
      // Only the tickets that would make Zendesk refuse: the account's non-closed requested tickets.
      const blockers = [...facts.tickets.values()]
        .filter((t) => t.requesterId === a.userId && t.status !== 'closed' && !t.archived && !t.deleted)
        .map((t) => softRefs.get(t.id) ?? closeRefs.get(t.id))
        .filter((ref): ref is string => ref !== undefined);
      softUser = `user:${a.userId}`;
      ops.push({ ref: softUser, stage: 40, kind: OP.softDeleteUser, targets: [a.userId], dependsOn: blockers });
    }
    ops.push({
      ref: `purgeUser:${a.userId}`,
      stage: 50,
      kind: OP.purgeUser,
      targets: [a.userId],
      ...(softUser ? { dependsOn: [softUser] } : {}),
    });
  }
  return ops;
}
