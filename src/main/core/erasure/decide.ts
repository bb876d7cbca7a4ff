import { createHash } from 'node:crypto';
import type {
  AccountDecision,
  ExemptionRules,
  PlanAccount,
  PlanCounts,
  PlanMention,
  PlanTicket,
  Regulation,
  TicketDecision,
} from '../../../shared/contract/groups/erasure';
import { citationFor } from './citations';
import type { SubjectFacts, TicketFact } from './facts';

export interface StoredOverride {
  /** 'name': the subject's name beside a quoted address in comment `id`, kept ('keep') instead of redacted. */
  target: 'ticket' | 'account' | 'name';
  id: number;
  decision: 'delete' | 'redact' | 'keep';
  reason: string;
  by: string | null;
  at: string;
}

export interface Decided {
  tickets: PlanTicket[];
  accounts: PlanAccount[];
  mentions: PlanMention[];
  counts: PlanCounts;
  fingerprint: string;
}

const DAY_MS = 86_400_000;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function exemptionOf(t: TicketFact, rules: ExemptionRules, regulation: Regulation, now: number): PlanTicket['exemption'] {
  for (const r of rules.tags) {
    if (t.tags.includes(r.tag)) {
      return { rule: `tag:${r.tag}`, ground: r.ground, citation: citationFor(regulation, r.ground), note: r.note || `Tagged ${r.tag}` };
    }
  }
  for (const r of rules.fields) {
    const value = t.customFields[String(r.fieldId)];
    const present = value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
    if (present && (r.equals === null || String(value) === r.equals)) {
      return {
        rule: `field:${r.fieldId}`,
        ground: r.ground,
        citation: citationFor(regulation, r.ground),
        note: r.note || `Custom field ${r.fieldId} set`,
      };
    }
  }
  if (rules.retentionDays > 0 && t.createdAt) {
    const age = now - Date.parse(t.createdAt);
    if (age < rules.retentionDays * DAY_MS) {
      return {
        rule: `retention:${rules.retentionDays}d`,
        ground: 'legal_obligation',
        citation: citationFor(regulation, 'legal_obligation'),
        note: rules.retentionNote || `Created less than ${rules.retentionDays} days ago (retention period)`,
      };
    }
  }
  return null;
}

function othersOf(t: TicketFact): PlanTicket['others'] {
  const byRole: Record<string, number> = {};
  let endUsers = 0;
  let agents = 0;
  for (const o of t.others.values()) {
    if (o.agent) agents++;
    else endUsers++;
    for (const role of o.roles) byRole[role] = (byRole[role] ?? 0) + 1;
  }
  return { endUsers, agents, byRole };
}

function proposeTicket(
  t: TicketFact,
  rules: ExemptionRules,
  regulation: Regulation,
  now: number,
): Pick<PlanTicket, 'proposed' | 'reasonCode' | 'reason' | 'exemption' | 'fix'> {
  const others = othersOf(t);
  if (t.mentionOnly) {
    return {
      proposed: 'review',
      reasonCode: 'mentioned_only',
      reason: `Another person's ticket that mentions the subject's e-mail or phone in ${plural(t.comments.length, 'comment')}: review, then redact or keep`,
      exemption: null,
      fix: null,
    };
  }
  const exemption = exemptionOf(t, rules, regulation, now);
  if (exemption) {
    return { proposed: 'keep', reasonCode: 'exempt', reason: `${exemption.note}: kept under ${exemption.citation}`, exemption, fix: null };
  }
  if (t.deleted) {
    return {
      proposed: 'delete',
      reasonCode: 'soft_deleted_upstream',
      reason: 'Already soft-deleted in the helpdesk (purged only after 30 days): delete permanently',
      exemption: null,
      fix: null,
    };
  }
  if (others.endUsers > 0) {
    const closed = t.status === 'closed' || t.archived;
    const hasContent = t.comments.length > 0;
    if (closed && hasContent && rules.redactionApi === 'legacy') {
      return {
        proposed: 'blocked',
        reasonCode: 'closed_needs_comment_redactions',
        reason: 'Shared with other people and closed: the legacy redaction cannot change closed tickets',
        exemption: null,
        fix: {
          action: 'enable_comment_redactions',
          description: 'Turn on Agent Workspace redaction (comment_redactions) in the settings, or override to delete the ticket',
          ticketIds: [t.id],
        },
      };
    }
    const what = hasContent
      ? `redact the subject's ${plural(t.comments.filter((c) => c.own).length, 'comment')} and ${plural(t.comments.filter((c) => !c.own).length, 'mention')}`
      : 'nothing the subject wrote is on it; their account deletion removes the link';
    return {
      proposed: 'redact',
      reasonCode: hasContent ? 'shared' : 'shared_no_content',
      reason: `Shared with ${plural(others.endUsers, 'other end user')}: ${what}, keep the rest`,
      exemption: null,
      fix: null,
    };
  }
  return {
    proposed: 'delete',
    reasonCode: 'sole_end_user',
    reason: `The subject is the only end user on it${others.agents > 0 ? ` (with ${plural(others.agents, 'agent')})` : ''}: delete, then delete permanently`,
    exemption: null,
    fix: null,
  };
}

function proposeAccount(
  userId: number,
  facts: SubjectFacts,
  tickets: readonly PlanTicket[],
): Pick<PlanAccount, 'proposed' | 'reasonCode' | 'reason' | 'fix' | 'role' | 'alreadyDeleted'> {
  const user = facts.users.get(userId);
  const role = user?.role ?? 'end-user';
  const alreadyDeleted = user?.deleted ?? false;
  if (role === 'agent' || role === 'admin') {
    return {
      role,
      alreadyDeleted,
      proposed: 'blocked',
      reasonCode: 'staff_account',
      reason: `A ${role} account: Lethe does not delete staff accounts`,
      fix: { action: 'demote_in_zendesk', description: 'Make the account an end user in Zendesk, sync, then plan again', ticketIds: [] },
    };
  }
  if (alreadyDeleted) {
    return {
      role,
      alreadyDeleted,
      proposed: 'delete',
      reasonCode: 'soft_deleted_upstream',
      reason: 'Already soft-deleted: delete permanently',
      fix: null,
    };
  }
  const decisionOf = new Map(tickets.map((t) => [t.ticketId, t.decision]));
  const blocking = [...facts.tickets.values()]
    .filter((t) => t.requesterId === userId && !t.deleted && t.status !== 'closed' && !t.archived && decisionOf.get(t.id) !== 'delete')
    .map((t) => t.id)
    .sort((a, b) => a - b);
  if (blocking.length > 0) {
    return {
      role,
      alreadyDeleted,
      proposed: 'blocked',
      reasonCode: 'requester_of_open_tickets',
      reason: `Requester of ${plural(blocking.length, 'ticket')} that ${blocking.length === 1 ? 'is' : 'are'} not closed and not deleted: Zendesk refuses to delete the account`,
      fix: {
        action: 'close_tickets',
        description: `Close ${plural(blocking.length, 'ticket')} first (override the account to delete to accept)`,
        ticketIds: blocking,
      },
    };
  }
  return {
    role,
    alreadyDeleted,
    proposed: 'delete',
    reasonCode: 'erase_account',
    reason: 'Delete the account, then delete it permanently; sessions are revoked first',
    fix: null,
  };
}

function emptyCounts(): PlanCounts {
  return {
    tickets: { delete: 0, redact: 0, keep: 0, blocked: 0, review: 0 },
    accounts: { delete: 0, keep: 0, blocked: 0 },
    commentsToRedact: 0,
    mentionCommentsToRedact: 0,
    attachmentsToRedact: 0,
    attachmentBytesToRedact: 0,
    attachmentBytesToDelete: 0,
    mentionsForReview: 0,
    namesToRedact: 0,
    otherPeople: { endUsers: 0, agents: 0, byRole: {} },
  };
}

/**
 * The decisions, from the facts, the rules and the staff's overrides. Pure: the same inputs give
 * the same plan, which is what makes a plan file checkable against the cache (the fingerprint).
 */
export function decide(
  facts: SubjectFacts,
  rules: ExemptionRules,
  regulation: Regulation,
  overrides: readonly StoredOverride[],
  now: number,
): Decided {
  const ticketOverride = new Map(overrides.filter((o) => o.target === 'ticket').map((o) => [o.id, o]));
  const accountOverride = new Map(overrides.filter((o) => o.target === 'account').map((o) => [o.id, o]));
  const tickets: PlanTicket[] = [...facts.tickets.values()]
    .sort((a, b) => a.id - b.id)
    .map((t) => {
      const p = proposeTicket(t, rules, regulation, now);
      const o = ticketOverride.get(t.id);
      const attachments = t.comments.filter((c) => c.own).flatMap((c) => c.attachments);
      return {
        ticketId: t.id,
        decision: (o?.decision ?? p.proposed) as TicketDecision,
        proposed: p.proposed,
        reasonCode: p.reasonCode,
        reason: p.reason,
        exemption: p.exemption,
        fix: p.fix,
        status: t.deleted ? 'deleted' : t.status,
        archived: t.archived,
        deletedUpstream: t.deleted,
        subjectRoles: [...t.subjectRoles].sort(),
        others: othersOf(t),
        subjectComments: t.comments.filter((c) => c.own).length,
        mentionComments: t.comments.filter((c) => !c.own).length,
        attachments: attachments.length,
        attachmentBytes: attachments.reduce((n, a) => n + a.size, 0),
        override: o ? { decision: o.decision, reason: o.reason, by: o.by, at: o.at } : null,
      };
    });
  const accounts: PlanAccount[] = facts.subject.userIds.map((userId) => {
    const p = proposeAccount(userId, facts, tickets);
    const o = accountOverride.get(userId);
    const decision: AccountDecision = o ? (o.decision === 'redact' ? 'keep' : o.decision) : p.proposed;
    return { userId, ...p, decision, override: o ? { decision: o.decision, reason: o.reason, by: o.by, at: o.at } : null };
  });

  // Others' comments quoting the subject, with the name beside the address offered for redaction:
  // redacted with the address unless the officer kept it (a 'name' override).
  const namesKept = new Set(overrides.filter((o) => o.target === 'name' && o.decision === 'keep').map((o) => o.id));
  const decisionOf = new Map(tickets.map((t) => [t.ticketId, t.decision]));
  const mentions: PlanMention[] = [...facts.tickets.values()]
    .flatMap((t) => t.comments.filter((c) => !c.own))
    .sort((a, b) => a.ticketId - b.ticketId || a.id - b.id)
    .map((c) => ({
      commentId: c.id,
      ticketId: c.ticketId,
      ticketTitle: facts.tickets.get(c.ticketId)!.title,
      excerpt: c.excerpt ?? '',
      decision: decisionOf.get(c.ticketId)!,
      name: c.names.length > 0 ? { strings: c.names, redact: !namesKept.has(c.id) } : null,
    }));

  const counts = emptyCounts();
  counts.namesToRedact = mentions.filter((m) => m.decision === 'redact' && m.name?.redact).length;
  const people = new Map<number, { agent: boolean; roles: Set<string> }>();
  for (const t of tickets) {
    counts.tickets[t.decision] += 1;
    const fact = facts.tickets.get(t.ticketId)!;
    if (t.decision === 'redact') {
      counts.commentsToRedact += t.subjectComments;
      counts.mentionCommentsToRedact += t.mentionComments;
      counts.attachmentsToRedact += t.attachments;
      counts.attachmentBytesToRedact += t.attachmentBytes;
    }
    if (t.decision === 'delete') counts.attachmentBytesToDelete += fact.attachmentBytes;
    if (t.decision === 'review') counts.mentionsForReview += t.mentionComments;
    if (t.decision === 'delete' || t.decision === 'redact') {
      for (const [id, o] of fact.others) {
        const entry = people.get(id) ?? { agent: o.agent, roles: new Set<string>() };
        for (const r of o.roles) entry.roles.add(r);
        people.set(id, entry);
      }
    }
  }
  for (const p of people.values()) {
    if (p.agent) counts.otherPeople.agents++;
    else counts.otherPeople.endUsers++;
    for (const r of p.roles) counts.otherPeople.byRole[r] = (counts.otherPeople.byRole[r] ?? 0) + 1;
  }
  for (const a of accounts) counts.accounts[a.decision] += 1;

  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        users: facts.subject.userIds,
        tickets: tickets.map((t) => [
          t.ticketId,
          t.decision,
          t.status,
          facts.tickets.get(t.ticketId)?.updatedAt ?? null,
          t.subjectComments,
          t.mentionComments,
          t.attachments,
        ]),
        accounts: accounts.map((a) => [a.userId, a.decision]),
        // Only when a name is offered, so plans without one keep the fingerprints they had.
        ...(mentions.some((m) => m.name) ? { names: mentions.filter((m) => m.name).map((m) => [m.commentId, m.name!.redact]) } : {}),
      }),
    )
    .digest('hex');
  return { tickets, accounts, mentions, counts, fingerprint };
}
