import { LetheError } from '../../../shared/errors';
import type { Identity, User } from '../helpdesk';
import type { CoreServices } from '../services';
import type { ActionResult, FieldChange, RectifyFields } from '../../../shared/contract/groups/actions';
import type { NewOperation } from '../journal';
import { defaultActor } from '../requests';
import { ACTION_OP, profileValue, userFieldsOf, type FieldValue, type IdentityPayload } from './zendesk-ops';

/** The profile a rectification is compared against: the live one, or the cache's when the helpdesk cannot be reached. */

export const PROFILE_FIELDS = ['name', 'phone', 'alias', 'details', 'notes'] as const;

export function liveProfile(
  user: User,
  identities: Identity[],
): { profile: Record<string, FieldValue>; userFields: Record<string, FieldValue>; primaryEmail: string | null } {
  const profile: Record<string, FieldValue> = {};
  for (const f of PROFILE_FIELDS) profile[f] = profileValue(user, f);
  const primary = identities.find((i) => i.type === 'email' && i.primary)?.value ?? user.email ?? null;
  return { profile, userFields: userFieldsOf(user), primaryEmail: primary };
}

export async function cachedProfile(
  s: CoreServices,
  workspaceId: string,
  userId: number,
): Promise<{ profile: Record<string, FieldValue>; userFields: Record<string, FieldValue>; primaryEmail: string | null }> {
  const cache = await s.caches.open(workspaceId);
  const row = cache.db.prepare('SELECT name, email, phone, profile FROM users WHERE id = ?').get(userId) as
    { name: string; email: string | null; phone: string | null; profile: string | null } | undefined;
  if (!row) throw new LetheError('not_found', 'The helpdesk cannot be reached and this person is not in the cache');
  const extra = (row.profile ? JSON.parse(row.profile) : {}) as Record<string, unknown>;
  const str = (v: unknown): FieldValue => (typeof v === 'string' ? v : null);
  const userFields: Record<string, FieldValue> = {};
  if (extra.user_fields && typeof extra.user_fields === 'object') {
    for (const [k, v] of Object.entries(extra.user_fields as Record<string, unknown>))
      userFields[k] = typeof v === 'string' || typeof v === 'boolean' ? v : null;
  }
  return {
    profile: { name: row.name, phone: row.phone || null, alias: str(extra.alias), details: str(extra.details), notes: str(extra.notes) },
    userFields,
    primaryEmail: row.email,
  };
}

export type Profile = Awaited<ReturnType<typeof cachedProfile>>;

/**
 * What a rectification changes against `before`: the profile and user fields that differ (with
 * their old values, to revalidate a queued change), and the identity operations that move the
 * primary e-mail (add, make primary, then delete the old one).
 */
export function rectificationDiff(
  before: Profile,
  input: { fields: RectifyFields; newEmail?: string | undefined },
  userId: number,
): {
  set: Record<string, FieldValue>;
  beforeSet: Record<string, FieldValue>;
  userFields: Record<string, FieldValue>;
  beforeUserFields: Record<string, FieldValue>;
  diff: FieldChange[];
  emailOps: NewOperation[];
} {
  const set: Record<string, FieldValue> = {};
  const beforeSet: Record<string, FieldValue> = {};
  const diff: FieldChange[] = [];
  for (const f of PROFILE_FIELDS) {
    const want = input.fields[f];
    if (want === undefined) continue;
    const next: FieldValue = f === 'phone' && want === '' ? null : want;
    const prev = before.profile[f] ?? null;
    if (prev === next) continue;
    set[f] = next;
    beforeSet[f] = prev;
    diff.push({ field: f, before: prev, after: next });
  }
  const userFields: Record<string, FieldValue> = {};
  const beforeUserFields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(input.fields.userFields ?? {})) {
    const prev = before.userFields[k] ?? null;
    if (prev === v) continue;
    userFields[k] = v;
    beforeUserFields[k] = prev;
    diff.push({ field: `user_fields.${k}`, before: prev, after: v });
  }
  const emailOps: NewOperation[] = [];
  const oldEmail = before.primaryEmail;
  if (input.newEmail !== undefined && (oldEmail === null || oldEmail.toLowerCase() !== input.newEmail.toLowerCase())) {
    diff.push({ field: 'email', before: oldEmail, after: input.newEmail });
    const add: IdentityPayload = { type: 'email', value: input.newEmail };
    emailOps.push(
      { ref: 'identity-add', stage: 2, kind: ACTION_OP.addIdentity, targets: [userId], payload: add as never },
      {
        ref: 'identity-primary',
        stage: 3,
        kind: ACTION_OP.makePrimary,
        targets: [userId],
        payload: add as never,
        dependsOn: ['identity-add'],
      },
    );
    if (oldEmail !== null) {
      const old: IdentityPayload = { type: 'email', value: oldEmail };
      emailOps.push({
        ref: 'identity-delete',
        stage: 4,
        kind: ACTION_OP.deleteIdentity,
        targets: [userId],
        payload: old as never,
        dependsOn: ['identity-primary'],
      });
    }
  }
  return { set, beforeSet, userFields, beforeUserFields, diff, emailOps };
}

/** A dry run's answer: the action as it would be queued, with its diff; nothing is written. */
export function rectificationPreview(p: {
  subjectRef: string;
  userId: number;
  diff: FieldChange[];
  emailChange: boolean;
  recipients: Array<{ name: string; notified: boolean }>;
  queued: boolean;
  requestId?: string | undefined;
  reason?: string | undefined;
  actor?: string | undefined;
}): ActionResult {
  return {
    action: {
      id: 'preview',
      action: 'rectify',
      objection: null,
      subjectRef: p.subjectRef,
      userIds: [p.userId],
      state: 'queued',
      fields: p.diff.map((d) => d.field),
      emailChange: p.emailChange,
      recipients: p.recipients,
      operations: { planned: 0, sent: 0, done: 0, failed: 0, skipped: 0 },
      error: null,
      requestId: p.requestId ?? null,
      reason: p.reason ?? null,
      actor: p.actor ?? defaultActor(),
      createdAt: new Date().toISOString(),
      finishedAt: null,
    },
    queued: p.queued,
    diff: p.diff,
    cacheRefreshed: false,
  };
}
