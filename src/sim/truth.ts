import { identityKey, type SimState } from './state';
import type { TicketStatus } from './types';

/**
 * Ground truth for one data subject, computed from the simulator's state directly (never through
 * HTTP), so tests can check a dossier built over the API against it.
 *
 * Definitions (the contract tests rely on):
 * - Only tickets that are not deleted (soft or permanent) count.
 * - Roles: requester, submitter, cc (email_cc_ids or collaborator_ids), follower, assignee,
 *   commenter (author of any comment on the ticket).
 * - A mention is a comment authored by another user id whose body contains one of the subject's
 *   identity values: an email (compared case-insensitively) or a phone (compared by its digits).
 *   Attachment contents are not scanned.
 * - Other accounts: other users (not permanently deleted) holding an identity with the same value.
 */

export type ParticipantRole = 'requester' | 'submitter' | 'cc' | 'follower' | 'commenter' | 'assignee';

export interface SubjectTicket {
  ticketId: number;
  roles: ParticipantRole[];
  status: TicketStatus;
  archived: boolean;
  legalHold: boolean;
}

export interface SubjectMention {
  ticketId: number;
  commentIds: number[];
  matched: ('email' | 'phone')[];
}

export interface SubjectTruth {
  userId: number;
  name: string;
  emails: string[];
  phones: string[];
  tickets: SubjectTicket[];
  mentions: SubjectMention[];
  otherAccounts: number[];
  /**
   * Custom field values (#12 surface 5): every non-empty value of the subject's own user fields,
   * and every organization field whose value holds one of the subject's e-mails or phones
   * (compared as mentions are), whether or not the subject belongs to that organization.
   */
  customFields: SubjectCustomField[];
}

export interface SubjectCustomField {
  scope: 'user' | 'organization';
  ownerId: number;
  key: string;
  value: string;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const PHONE_IN_TEXT = /\(?\+?\d[\d\s().-]{5,}\d/g;

export function findIdentityKeysInText(text: string): Set<string> {
  const keys = new Set<string>();
  for (const m of text.matchAll(EMAIL_IN_TEXT)) keys.add(`e:${m[0].toLowerCase()}`);
  for (const m of text.matchAll(PHONE_IN_TEXT)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length >= 6) keys.add(`p:${digits}`);
  }
  return keys;
}

export function resolveSubject(state: SimState, userIdOrEmail: number | string): number {
  if (typeof userIdOrEmail === 'number') {
    if (!state.userView(userIdOrEmail)) throw new Error(`no user ${userIdOrEmail}`);
    return userIdOrEmail;
  }
  const ids = state.usersWithIdentity(userIdOrEmail);
  const first = ids[0];
  if (first === undefined) throw new Error('no user with that identity');
  return first;
}

export function groundTruth(state: SimState, userIdOrEmail: number | string): SubjectTruth {
  const userId = resolveSubject(state, userIdOrEmail);
  const v = state.userView(userId);
  if (!v) throw new Error(`no user ${userId}`);
  const identities = v.status === 'purged' ? [] : v.rec.identities;
  const keys = new Map<string, 'email' | 'phone'>();
  for (const i of identities) {
    const k = identityKey(i.value);
    if (k) keys.set(k, i.type === 'email' ? 'email' : 'phone');
  }
  const tickets: SubjectTicket[] = [];
  const mentions: SubjectMention[] = [];
  const ds = state.ds;
  const valueHits = (value: string | null): boolean => {
    const k = value ? identityKey(value) : null;
    return k !== null && keys.has(k);
  };
  for (let ti = 0; ti < ds.ticketCount; ti++) {
    const p = state.ticketPeople(ti);
    if (p.state !== 'live') continue;
    const changed = state.tickets.get(p.id);
    const roles: ParticipantRole[] = [];
    if (p.requesterId === userId) roles.push('requester');
    if (p.submitterId === userId) roles.push('submitter');
    if (p.ccIds.includes(userId) || (changed?.collaborator_ids ?? []).includes(userId)) roles.push('cc');
    if (p.followerIds.includes(userId)) roles.push('follower');
    if (p.assigneeId === userId) roles.push('assignee');
    const mentionComments: number[] = [];
    const matched = new Set<'email' | 'phone'>();
    let commented = false;
    const scan = (commentId: number, authorId: number, body: () => string): void => {
      if (authorId === userId) {
        commented = true;
        return;
      }
      if (keys.size === 0) return;
      let hit = false;
      for (const k of findIdentityKeysInText(body())) {
        const kind = keys.get(k);
        if (kind) {
          hit = true;
          matched.add(kind);
        }
      }
      if (hit) mentionComments.push(commentId);
    };
    const sk = ds.ticketSkeleton(ti);
    sk.comments.forEach((c, j) => {
      const id = ds.commentId(ti, j);
      const current = state.comments.get(id);
      if (current) return scan(id, current.author_id, () => current.body);
      // An untouched generated body can only hold someone's identity through its mention or the
      // author's phone signature; skip generating bodies that cannot match (same result, far faster).
      const m = c.mention;
      const possible =
        valueHits(ds.phone(c.author)) ||
        (m !== null && (m.kind === 'email' ? valueHits(ds.primaryEmail(m.userIndex)) : valueHits(ds.phone(m.userIndex))));
      scan(id, ds.userId(c.author), () => (possible ? ds.baseComment(ti, j, sk).body : ''));
    });
    for (const id of state.extraComments.get(p.id) ?? []) {
      const c = state.comments.get(id);
      if (c) scan(id, c.author_id, () => c.body);
    }
    if (commented) roles.push('commenter');
    const status = changed?.status ?? p.status;
    const tags = changed?.tags ?? p.tags;
    if (roles.length) tickets.push({ ticketId: p.id, roles, status, archived: p.archived, legalHold: tags.includes('legal_hold') });
    if (mentionComments.length) mentions.push({ ticketId: p.id, commentIds: mentionComments, matched: [...matched].sort() });
  }
  const others = new Set<number>();
  for (const i of identities) for (const u of state.usersWithIdentity(i.value)) if (u !== userId) others.add(u);
  const customFields: SubjectCustomField[] = [];
  if (v.status !== 'purged')
    for (const [key, value] of Object.entries(v.rec.user_fields ?? {}))
      if (value !== null && value !== '') customFields.push({ scope: 'user', ownerId: userId, key, value: String(value) });
  if (keys.size > 0)
    for (let o = 0; o < ds.orgCount; o++) {
      const org = state.orgView(ds.orgId(o));
      for (const [key, value] of Object.entries(org?.organization_fields ?? {})) {
        if (typeof value !== 'string' || !value) continue;
        if ([...findIdentityKeysInText(value)].some((k) => keys.has(k)))
          customFields.push({ scope: 'organization', ownerId: org!.id, key, value });
      }
    }
  return {
    userId,
    name: v.rec.name,
    emails: identities.filter((i) => i.type === 'email').map((i) => i.value),
    phones: identities.filter((i) => i.type === 'phone_number').map((i) => i.value),
    tickets,
    mentions,
    otherAccounts: [...others].sort((a, b) => a - b),
    customFields,
  };
}
