import type { ActionKind, ActionState, ActionView, ObjectionKind } from '../../../shared/contract/groups/actions';
import { appendAudit } from '../audit';
import { applyUsersPage, type IdentityRecord, type SqliteDb, type UserRecord } from '../db';
import { writeWhenFree } from '../db/write-when-free';
import type { Identity, User, ZendeskClient } from '../helpdesk';
import type { Journal, JournalRun } from '../journal';
import type { CoreServices } from '../services';
import {
  ACTION_OP,
  fieldsApplied,
  listIdentities,
  profileValue,
  userFieldsOf,
  type IdentityPayload,
  type UpdateFieldsPayload,
} from './zendesk-ops';
import { organizationFieldsUnchanged } from './organization-fields';

/**
 * An action's run in the journal once it exists: its document, whether it still makes sense
 * against the live helpdesk, what it did (state, view, audit) and the cache re-read after it.
 * ActionService's `flush` and new actions both go through these.
 */

export const RUN_KIND = 'action';

/** What the journal keeps about an action beyond its operations: no values, only names and flags. */
export interface ActionDocument {
  action: ActionKind;
  objection: ObjectionKind | null;
  subjectRef: string;
  userIds: number[];
  fields: string[];
  emailChange: boolean;
  recipients: Array<{ name: string; notified: boolean }>;
  requestId: string | null;
  /** Why the officer acted; absent in documents written before reasons were asked for. */
  reason?: string | null;
  actor: string;
  /** Set when revalidation stopped the action, or when the helpdesk last refused to answer. */
  error: { code: string; message: string } | null;
  stopped: boolean;
  audited: boolean;
}

/** Errors that say nothing about the action itself, only that the helpdesk cannot be asked now. */
const TRANSIENT = new Set(['helpdesk_unreachable', 'helpdesk_rate_limited']);
export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; status?: number; details?: { status?: number } };
  if (TRANSIENT.has(e?.code ?? '')) return true;
  const status = e?.status ?? e?.details?.status;
  return e?.code === 'helpdesk_error' && typeof status === 'number' && status >= 500;
}
export const statusOf = (error: unknown): number | undefined => {
  const e = error as { status?: number; details?: { status?: number } };
  return e?.status ?? e?.details?.status;
};
export const errorOf = (error: unknown): { code: string; message: string } => {
  const e = error as { code?: string; message?: string };
  return { code: e?.code ?? 'internal_error', message: (e?.message ?? 'failed').slice(0, 300) };
};

export interface ActionCtx {
  workspaceId: string;
  journal: Journal;
  client: ZendeskClient;
}

/**
 * Whether a queued action still makes sense against the live helpdesk: every account exists and
 * is active, a rectification's fields still read as they did (or already as intended), and an
 * e-mail change still starts from the address that was primary.
 */
export async function revalidateAction(
  ctx: ActionCtx,
  run: JournalRun<ActionDocument>,
): Promise<'ok' | 'offline' | { code: string; message: string }> {
  const doc = run.document;
  const ops = ctx.journal.operations(run.id);
  try {
    for (const userId of doc.userIds) {
      let user: User;
      try {
        user = await ctx.client.getUser(userId);
      } catch (error) {
        if (statusOf(error) === 404) return { code: 'subject_gone', message: 'The helpdesk user no longer exists' };
        throw error;
      }
      if (user.active === false) return { code: 'subject_gone', message: 'The helpdesk user is deleted' };
      for (const op of ops.filter((o) => o.state === 'planned' && o.targets[0] === userId)) {
        if (op.kind === ACTION_OP.updateFields && doc.action === 'rectify') {
          const p = op.payload as unknown as UpdateFieldsPayload;
          if (fieldsApplied(user, p)) continue;
          const changed = Object.entries(p.before).some(
            ([k, v]) => profileValue(user, k) !== v && profileValue(user, k) !== (p.set[k] ?? null),
          );
          const uf = userFieldsOf(user);
          const ufChanged = Object.entries(p.beforeUserFields).some(
            ([k, v]) => (uf[k] ?? null) !== v && (uf[k] ?? null) !== (p.userFields[k] ?? null),
          );
          if (changed || ufChanged)
            return {
              code: 'changed_upstream',
              message: 'The profile changed in the helpdesk since the rectification was prepared; prepare it again',
            };
        }
      }
      const orgFields = await organizationFieldsUnchanged(ctx.client, ops);
      if (orgFields !== true) return orgFields;
      const primaryOp = ops.find((o) => o.kind === ACTION_OP.makePrimary && o.targets[0] === userId && o.state === 'planned');
      const deleteOp = ops.find((o) => o.kind === ACTION_OP.deleteIdentity && o.targets[0] === userId);
      if (primaryOp && deleteOp) {
        const identities = await listIdentities(ctx.client, userId);
        const oldValue = (deleteOp.payload as unknown as IdentityPayload).value.toLowerCase();
        const newValue = (primaryOp.payload as unknown as IdentityPayload).value.toLowerCase();
        const primary = identities.find((i) => i.type === 'email' && i.primary)?.value.toLowerCase();
        if (primary !== undefined && primary !== oldValue && primary !== newValue) {
          return { code: 'changed_upstream', message: 'The primary e-mail changed in the helpdesk since the rectification was prepared' };
        }
      }
    }
  } catch (error) {
    if (isTransient(error)) {
      const doc2 = ctx.journal.getRun<ActionDocument>(run.id).document;
      doc2.error = errorOf(error);
      ctx.journal.updateDocument(run.id, doc2);
      return 'offline';
    }
    throw error;
  }
  return 'ok';
}

/** The person's profile and identities in the cache, re-read after the change (tickets are left to the next sync). */
export async function refreshCache(s: CoreServices, ctx: ActionCtx, userIds: number[]): Promise<boolean> {
  try {
    const cache = await s.caches.open(ctx.workspaceId);
    for (const userId of userIds) {
      const user = await ctx.client.getUser(userId);
      const identities = await listIdentities(ctx.client, userId);
      await writeWhenFree(cache.db, () => writeUser(cache.db, user, identities));
    }
    return true;
  } catch (error) {
    // The change is done upstream; a stale cache heals at the next sync.
    s.log.warn('actions: cache refresh failed', { code: errorOf(error).code });
    return false;
  }
}

export async function auditOutcome(s: CoreServices, workspaceId: string, runId: string, journal: Journal): Promise<void> {
  const run = journal.getRun<ActionDocument>(runId);
  const doc = run.document;
  if (doc.audited) return;
  const counts = journal.counts(runId);
  const state = actionState(journal, run);
  await appendAudit(s, workspaceId, {
    actor: doc.actor,
    action: `actions.${doc.action}`,
    subject: doc.subjectRef,
    ...(doc.requestId ? { requestId: doc.requestId } : {}),
    data: {
      actionId: runId,
      outcome: state,
      ...(doc.objection ? { objection: doc.objection } : {}),
      accounts: doc.userIds.length,
      fields: doc.fields,
      emailChange: doc.emailChange,
      operations: counts,
      ...(doc.error ? { errorCode: doc.error.code } : {}),
      ...(doc.reason ? { reasonRecorded: true } : {}),
      ...(doc.action === 'lift_restriction' ? { subjectInformed: true, article: 'GDPR Art. 18(3)' } : {}),
      ...(doc.recipients.length > 0
        ? { recipients: doc.recipients.length, recipientsNotified: doc.recipients.filter((r) => r.notified).length }
        : {}),
    },
  });
  doc.audited = true;
  journal.updateDocument(runId, doc);
}

export function actionState(journal: Journal, run: JournalRun<ActionDocument>): ActionState {
  if (run.document.stopped || run.state === 'abandoned') return 'stopped';
  const c = journal.counts(run.id);
  if (c.planned > 0 || c.sent > 0) return 'queued';
  if (c.failed > 0 || c.skipped > 0) return 'failed';
  return 'done';
}

export function actionView(journal: Journal, run: JournalRun<ActionDocument>): ActionView {
  const d = run.document;
  return {
    id: run.id,
    action: d.action,
    objection: d.objection,
    subjectRef: d.subjectRef,
    userIds: d.userIds,
    state: actionState(journal, run),
    fields: d.fields,
    emailChange: d.emailChange,
    recipients: d.recipients,
    operations: journal.counts(run.id),
    error: d.error,
    requestId: d.requestId,
    reason: d.reason ?? null,
    actor: d.actor,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  };
}

function writeUser(db: SqliteDb, user: User, identities: Identity[]): void {
  applyUsersPage(db, [user as unknown as UserRecord], identities as unknown as IdentityRecord[], { resource: 'users' });
}
