import type { Difference, ErasurePlan } from '../../../shared/contract/groups/erasure';
import type { Ticket, ZendeskClient } from '../helpdesk';
import { bodyStrings, type Role, type SubjectFacts, type TicketFact } from './facts';
import { softDeletedTicketIds } from './zendesk-ops';

const STAFF = new Set(['agent', 'admin']);

function liveRoles(t: Ticket): Array<[number, Role]> {
  const roles: Array<[number, Role]> = [];
  const add = (id: number | null | undefined, role: Role): void => {
    if (typeof id === 'number') roles.push([id, role]);
  };
  add(t.requester_id, 'requester');
  add(t.submitter_id, 'submitter');
  add(t.assignee_id, 'assignee');
  const followers = new Set(t.follower_ids);
  for (const id of followers) add(id, 'follower');
  for (const id of t.email_cc_ids) add(id, 'cc');
  for (const id of t.collaborator_ids) if (!followers.has(id)) add(id, 'cc');
  return roles;
}

/**
 * Brings the facts up to the live helpdesk, in place, and says what changed: tickets gone or
 * soft-deleted, status, people on the ticket (a new end user turns a deletion into a redaction),
 * new comments on tickets updated since the cache saw them, accounts gone or changed. Reads only:
 * tickets and users by show_many (100 a call), comments only of tickets that changed.
 */
export async function revalidateFacts(
  client: ZendeskClient,
  facts: SubjectFacts,
  plan: ErasurePlan,
  signal?: AbortSignal,
): Promise<Difference[]> {
  const differences: Difference[] = [];
  const subjectIds = new Set(facts.subject.userIds);
  const ticketIds = [...facts.tickets.keys()];
  const live = new Map<number, Ticket>();
  for (const t of await client.showManyTickets(ticketIds, { signal })) live.set(t.id, t);
  const missing = ticketIds.filter((id) => !live.has(id) && !facts.tickets.get(id)!.deleted);
  const soft = missing.length > 0 ? await softDeletedTicketIds(client, signal) : new Set<number>();
  const planned = new Map(plan.tickets.map((t) => [t.ticketId, t]));

  const unknownPeople = new Set<number>();
  const changedTickets: TicketFact[] = [];
  for (const id of ticketIds) {
    const fact = facts.tickets.get(id)!;
    const t = live.get(id);
    if (!t) {
      if (fact.deleted) continue;
      if (soft.has(id)) {
        differences.push({ kind: 'ticket_soft_deleted', target: 'ticket', id, detail: 'Soft-deleted in the helpdesk since the last sync' });
        fact.deleted = true;
      } else {
        differences.push({ kind: 'ticket_gone', target: 'ticket', id, detail: 'No longer in the helpdesk (permanently deleted)' });
        facts.tickets.delete(id);
      }
      continue;
    }
    if (t.status !== fact.status) {
      differences.push({ kind: 'status_changed', target: 'ticket', id, detail: `Status ${fact.status} → ${t.status}` });
      fact.status = t.status;
    }
    const before = new Set([...fact.others.keys()]);
    const wasAgent = new Map([...fact.others].map(([userId, o]) => [userId, o.agent]));
    // Ticket-record roles come from the live ticket; commenters stay as the cache knows them.
    for (const [userId, o] of fact.others) {
      for (const r of [...o.roles]) if (r !== 'commenter') o.roles.delete(r);
      if (o.roles.size === 0) fact.others.delete(userId);
    }
    fact.subjectRoles = fact.subjectRoles.filter((r) => r === 'commenter');
    fact.requesterId = t.requester_id;
    for (const [userId, role] of liveRoles(t)) {
      if (subjectIds.has(userId)) {
        if (!fact.subjectRoles.includes(role)) fact.subjectRoles.push(role);
        continue;
      }
      const o = fact.others.get(userId) ?? { roles: new Set<Role>(), agent: wasAgent.get(userId) ?? false };
      o.roles.add(role);
      fact.others.set(userId, o);
      if (!before.has(userId)) unknownPeople.add(userId);
    }
    const after = new Set([...fact.others.keys()]);
    const added = [...after].filter((u) => !before.has(u)).length;
    const removed = [...before].filter((u) => !after.has(u)).length;
    if (added || removed) {
      differences.push({
        kind: 'participants_changed',
        target: 'ticket',
        id,
        detail: `${added} added, ${removed} removed (by role, names not shown)`,
      });
    }
    const decision = planned.get(id)?.decision;
    if (
      fact.updatedAt &&
      t.updated_at &&
      Date.parse(t.updated_at) > Date.parse(fact.updatedAt) &&
      (decision === 'delete' || decision === 'redact')
    ) {
      changedTickets.push(fact);
    }
  }

  for (const fact of changedTickets) {
    const known = new Set(fact.comments.map((c) => c.id));
    let added = 0;
    for await (const page of client.listComments(fact.id, { signal })) {
      for (const c of page.items) {
        if (subjectIds.has(c.author_id)) {
          if (!known.has(c.id)) {
            added++;
            fact.comments.push({
              id: c.id,
              ticketId: fact.id,
              own: true,
              strings: bodyStrings(c.plain_body ?? c.body),
              names: [],
              excerpt: null,
              attachments: c.attachments.map((a) => ({ id: a.id, url: a.content_url ?? null, size: a.size ?? 0 })),
            });
          }
        } else if (!fact.others.has(c.author_id)) {
          fact.others.set(c.author_id, { roles: new Set<Role>(['commenter']), agent: false });
          unknownPeople.add(c.author_id);
        } else fact.others.get(c.author_id)!.roles.add('commenter');
      }
    }
    differences.push({
      kind: 'ticket_updated',
      target: 'ticket',
      id: fact.id,
      detail: `Updated since the last sync; ${added} new comment(s) by the subject`,
    });
  }

  if (unknownPeople.size > 0) {
    const roles = new Map<number, string>();
    for (const u of await client.showManyUsers([...unknownPeople], { signal, includeDeleted: true })) roles.set(u.id, u.role ?? 'end-user');
    for (const fact of facts.tickets.values()) {
      for (const [userId, o] of fact.others) if (unknownPeople.has(userId)) o.agent = STAFF.has(roles.get(userId) ?? 'end-user');
    }
  }

  const users = new Map<number, { active: boolean; role: string }>();
  for (const u of await client.showManyUsers(facts.subject.userIds, { signal, includeDeleted: true })) {
    users.set(u.id, { active: u.active !== false, role: u.role ?? 'end-user' });
  }
  for (const id of facts.subject.userIds) {
    const known = facts.users.get(id) ?? { role: 'end-user', active: true, deleted: false };
    const now = users.get(id);
    if (!now) {
      differences.push({ kind: 'user_gone', target: 'account', id, detail: 'No longer in the helpdesk (permanently deleted)' });
      facts.users.set(id, { ...known, active: false, deleted: true });
      continue;
    }
    if (!now.active && !known.deleted) {
      differences.push({ kind: 'user_soft_deleted', target: 'account', id, detail: 'Deleted in the helpdesk since the last sync' });
    }
    if (now.role !== known.role)
      differences.push({ kind: 'user_role_changed', target: 'account', id, detail: `Role ${known.role} → ${now.role}` });
    facts.users.set(id, { role: now.role, active: now.active, deleted: !now.active });
  }
  return differences;
}
