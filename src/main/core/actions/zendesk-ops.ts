import { collect, type Identity, type User, type ZendeskClient } from '../helpdesk';
import type { CheckResult, JournalOperation, OperationHandler, Outcome } from '../journal';
import { checkEach, failedOrUnknown as helpdeskOutcome, isNotFound, singleOpHandler } from '../journal/helpdesk-handlers';
import { createZendeskHandlers, OP as ERASURE_OP } from '../erasure/zendesk-ops';
import { ORGANIZATION_FIELD_OP, organizationFieldHandler } from './organization-fields';

/**
 * The operation kinds of actions on the subject. Each `send` first reads the live state and only
 * writes what is missing, so a resend after an unconfirmed answer changes nothing twice; each
 * `check` only reads.
 */
export const ACTION_OP = {
  suspend: 'user.suspend',
  unsuspend: 'user.unsuspend',
  addTags: 'user.addTags',
  removeTags: 'user.removeTags',
  revokeSessions: ERASURE_OP.revokeSessions,
  updateFields: 'user.updateFields',
  addIdentity: 'identity.add',
  makePrimary: 'identity.makePrimary',
  deleteIdentity: 'identity.delete',
} as const;

export type FieldValue = string | boolean | null;

/** Payload of user.updateFields: the values to write, and those seen when the action was taken. */
export interface UpdateFieldsPayload {
  set: Record<string, FieldValue>;
  userFields: Record<string, FieldValue>;
  before: Record<string, FieldValue>;
  beforeUserFields: Record<string, FieldValue>;
}

export interface TagsPayload {
  tags: string[];
}

/** The e-mail an identity operation is about (ids are only known once the identity exists). */
export interface IdentityPayload {
  type: 'email';
  value: string;
}

const SUBJECT_GONE = { code: 'subject_gone', message: 'The helpdesk user no longer exists' } as const;

/** Every action is on one user: a 404 means that user is gone, for good. */
function failedOrUnknown(op: JournalOperation, error: unknown): Outcome {
  if (isNotFound(error)) return { opId: op.id, outcome: 'failed', ...SUBJECT_GONE };
  return helpdeskOutcome(op, error);
}

/** A check that reads the user (or their identities) per operation; a user gone fails the operation. */
function checkUser<T>(read: (userId: number, signal?: AbortSignal) => Promise<T>, isDone: (state: T, op: JournalOperation) => boolean) {
  return checkEach(async (op, signal): Promise<CheckResult> => {
    try {
      return isDone(await read(op.targets[0]!, signal), op) ? { opId: op.id, state: 'done' } : { opId: op.id, state: 'absent' };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { opId: op.id, state: 'failed', ...SUBJECT_GONE };
    }
  });
}

const sameEmail = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** A user's custom fields as Zendesk returns them (`user_fields`, not in the strict schema). */
export function userFieldsOf(user: User): Record<string, FieldValue> {
  const raw = (user as Record<string, unknown>).user_fields;
  const out: Record<string, FieldValue> = {};
  if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      out[k] = typeof v === 'string' || typeof v === 'boolean' ? v : v === null || v === undefined ? null : String(v);
    }
  }
  return out;
}

/** A profile field as Zendesk returns it; an empty phone reads as null, as Zendesk stores it. */
export function profileValue(user: User, field: string): FieldValue {
  const v = (user as Record<string, unknown>)[field];
  if (typeof v === 'string') return field === 'phone' && v === '' ? null : v;
  if (typeof v === 'boolean') return v;
  return null;
}

const normalize = (field: string, v: FieldValue): FieldValue => (field === 'phone' && v === '' ? null : v);

/** Whether the live user already carries every value of the payload. */
export function fieldsApplied(user: User, p: UpdateFieldsPayload): boolean {
  for (const [k, v] of Object.entries(p.set)) if (profileValue(user, k) !== normalize(k, v)) return false;
  const uf = userFieldsOf(user);
  for (const [k, v] of Object.entries(p.userFields)) if ((uf[k] ?? null) !== v) return false;
  return true;
}

export async function listIdentities(client: ZendeskClient, userId: number, signal?: AbortSignal): Promise<Identity[]> {
  return collect(client.listIdentities(userId, { signal }));
}

function userHandler(
  client: ZendeskClient,
  apply: (user: User, op: JournalOperation) => Record<string, unknown> | null,
  isDone: (user: User, op: JournalOperation) => boolean,
): OperationHandler {
  return singleOpHandler({
    concurrency: 2,
    async send(op, signal) {
      const user = await client.getUser(op.targets[0]!, { signal });
      const patch = apply(user, op);
      if (patch === null) return { opId: op.id, outcome: 'done', result: { alreadyApplied: true } };
      const after = await client.updateUser(op.targets[0]!, patch, { signal });
      // Zendesk answers 200 with the user as stored: trust it only if it reads as intended.
      return isDone(after, op)
        ? { opId: op.id, outcome: 'done' }
        : { opId: op.id, outcome: 'unknown', code: 'not_applied', message: 'The helpdesk did not store the change' };
    },
    onError: failedOrUnknown,
    check: checkUser((userId, signal) => client.getUser(userId, { signal }), isDone),
  });
}

function identityHandler(
  client: ZendeskClient,
  act: (
    userId: number,
    identities: Identity[],
    p: IdentityPayload,
    signal?: AbortSignal,
  ) => Promise<Outcome['outcome'] | { failed: string; message: string }>,
  isDone: (identities: Identity[], p: IdentityPayload) => boolean,
): OperationHandler {
  return singleOpHandler({
    concurrency: 1,
    async send(op, signal) {
      const p = op.payload as unknown as IdentityPayload;
      const identities = await listIdentities(client, op.targets[0]!, signal);
      if (isDone(identities, p)) return { opId: op.id, outcome: 'done', result: { alreadyApplied: true } };
      const r = await act(op.targets[0]!, identities, p, signal);
      if (typeof r === 'object') return { opId: op.id, outcome: 'failed', code: r.failed, message: r.message };
      return { opId: op.id, outcome: 'done' };
    },
    onError: failedOrUnknown,
    check: checkUser(
      (userId, signal) => listIdentities(client, userId, signal),
      (identities, op) => isDone(identities, op.payload as unknown as IdentityPayload),
    ),
  });
}

const tagsOf = (user: User): string[] => user.tags ?? [];

export function createActionHandlers(client: ZendeskClient): Record<string, OperationHandler> {
  const find = (identities: Identity[], p: IdentityPayload): Identity | undefined =>
    identities.find((i) => i.type === p.type && sameEmail(i.value, p.value));

  return {
    [ACTION_OP.suspend]: userHandler(
      client,
      (u) => (u.suspended === true ? null : { suspended: true }),
      (u) => u.suspended === true,
    ),
    [ACTION_OP.unsuspend]: userHandler(
      client,
      (u) => (u.suspended === true ? { suspended: false } : null),
      (u) => u.suspended !== true,
    ),
    // Zendesk replaces the whole tag list on update: read, merge, write back.
    [ACTION_OP.addTags]: userHandler(
      client,
      (u, op) => {
        const want = (op.payload as unknown as TagsPayload).tags;
        const have = tagsOf(u);
        return want.every((t) => have.includes(t)) ? null : { tags: [...new Set([...have, ...want])] };
      },
      (u, op) => (op.payload as unknown as TagsPayload).tags.every((t) => tagsOf(u).includes(t)),
    ),
    [ACTION_OP.removeTags]: userHandler(
      client,
      (u, op) => {
        const drop = (op.payload as unknown as TagsPayload).tags;
        const have = tagsOf(u);
        return have.some((t) => drop.includes(t)) ? { tags: have.filter((t) => !drop.includes(t)) } : null;
      },
      (u, op) => !(op.payload as unknown as TagsPayload).tags.some((t) => tagsOf(u).includes(t)),
    ),
    [ACTION_OP.revokeSessions]: createZendeskHandlers(client, { redactionApi: 'auto' })[ERASURE_OP.revokeSessions]!,
    [ACTION_OP.updateFields]: userHandler(
      client,
      (u, op) => {
        const p = op.payload as unknown as UpdateFieldsPayload;
        if (fieldsApplied(u, p)) return null;
        const patch: Record<string, unknown> = { ...p.set };
        // Zendesk clears the phone with an empty string, not null.
        if ('phone' in patch && patch.phone === null) patch.phone = '';
        if (Object.keys(p.userFields).length > 0) patch.user_fields = p.userFields;
        return patch;
      },
      (u, op) => fieldsApplied(u, op.payload as unknown as UpdateFieldsPayload),
    ),
    [ORGANIZATION_FIELD_OP]: organizationFieldHandler(client),
    [ACTION_OP.addIdentity]: identityHandler(
      client,
      async (userId, _ids, p, signal) => {
        // The person asked for this address; Zendesk's verification mail would go to them unannounced.
        await client.createIdentity(userId, { type: p.type, value: p.value }, { skipVerifyEmail: true, signal });
        return 'done';
      },
      (ids, p) => find(ids, p) !== undefined,
    ),
    [ACTION_OP.makePrimary]: identityHandler(
      client,
      async (userId, ids, p, signal) => {
        const target = find(ids, p);
        if (!target) return { failed: 'identity_missing', message: 'The new address is not on the account' };
        await client.makeIdentityPrimary(userId, target.id, { signal });
        return 'done';
      },
      (ids, p) => find(ids, p)?.primary === true,
    ),
    [ACTION_OP.deleteIdentity]: identityHandler(
      client,
      async (userId, ids, p, signal) => {
        const target = find(ids, p)!;
        // Never remove the address the account is reached at: the switch must have happened first.
        if (target.primary) return { failed: 'identity_primary', message: 'The old address is still the primary one' };
        await client.deleteIdentity(userId, target.id, { signal });
        return 'done';
      },
      (ids, p) => find(ids, p) === undefined,
    ),
  };
}
