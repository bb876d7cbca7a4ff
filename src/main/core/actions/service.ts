import type {
  ActionKind,
  ActionResult,
  ActionSettings,
  ActionView,
  FieldChange,
  ObjectionKind,
  RectifyFields,
} from '../../../shared/contract/groups/actions';
import { LetheError } from '../../../shared/errors';
import { appendAudit } from '../audit';
import type { Identity, TransportOptions, User } from '../helpdesk';
import { executeRun, openJournal, type NewOperation } from '../journal';
import { defaultActor, linkToRequest } from '../requests';
import type { CoreServices } from '../services';
import { WorkspaceDomain } from '../workspaces/workspace-clients';
import { confirmedAccountsFor, keepFormerIdentity } from '../subjects/links';
import { userIdOfRef } from '../subjects/subject-ref';
import {
  actionState,
  actionView,
  auditOutcome,
  isTransient,
  refreshCache,
  revalidateAction,
  RUN_KIND,
  statusOf,
  type ActionCtx,
  type ActionDocument,
} from './action-runs';
import { cachedProfile, liveProfile, rectificationDiff, rectificationPreview } from './rectification';
import { ORGANIZATION_FIELD_OP, organizationFieldChanges, refreshOrganizations } from './organization-fields';
import { liftRestrictionOps, objectionOps, restrictionOps } from './restriction';
import { assertEmailNotAnothers } from './email-owner';
import { readActionSettings, writeActionSettings } from './settings';
import { ACTION_OP, createActionHandlers as createOpHandlers, listIdentities, type UpdateFieldsPayload } from './zendesk-ops';

export interface ActionServiceOptions {
  transport?: TransportOptions;
  maxAttempts?: number;
}

export { RUN_KIND, type ActionDocument };

/** What restriction, its lifting and objection are asked with: the person, and optionally which of their accounts. */
interface OnAccounts {
  subjectRef: string;
  userIds?: number[] | undefined;
  actor?: string | undefined;
  requestId?: string | undefined;
  reason?: string | undefined;
}

/** A restriction or its lifting touches the accounts only: no field, no e-mail, no diff. */
const onAccountsOnly = (): { objection: null; fields: string[]; emailChange: false; diff: FieldChange[] } => ({
  objection: null,
  fields: [],
  emailChange: false,
  diff: [],
});

/**
 * Actions on the subject for the contract handlers. Each action is one journal run of kind
 * `action`; its operations are idempotent (they read before they write) and re-checkable, so a
 * queued or interrupted action is finished by `flush` without anything happening twice.
 * The operations of each action are built in restriction.ts (restriction, objection) and
 * rectification.ts; a run's revalidation, view and audit live in action-runs.ts.
 */
export class ActionService extends WorkspaceDomain<ActionServiceOptions> {
  /** One execution per run at a time: a flush and a new action never send the same operation twice. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(s: CoreServices, options: ActionServiceOptions = {}) {
    super(s, options);
  }

  async #ctx(workspaceId: string): Promise<ActionCtx> {
    return { workspaceId, journal: await openJournal(this.s, workspaceId), client: await this.clients.client(workspaceId) };
  }

  getSettings(workspaceId: string): Promise<ActionSettings> {
    return readActionSettings(this.s.dataDir, workspaceId);
  }

  async setSettings(workspaceId: string, settings: ActionSettings, actor = defaultActor()): Promise<ActionSettings> {
    const saved = await writeActionSettings(this.s.dataDir, workspaceId, settings);
    await appendAudit(this.s, workspaceId, {
      actor,
      action: 'actions.settings_changed',
      data: {
        restrictionTag: saved.restrictionTag,
        marketingTags: saved.objection.marketing.tags.length,
        processingTags: saved.objection.processing.tags.length,
        recipients: saved.recipients.length,
      },
    });
    return saved;
  }

  // --- actions -------------------------------------------------------------------------------

  async restrict(workspaceId: string, input: OnAccounts): Promise<ActionResult> {
    const settings = await this.getSettings(workspaceId);
    const userIds = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, input.userIds);
    const ops = restrictionOps(userIds, settings.restrictionTag);
    return this.#start(workspaceId, { ...input, ...onAccountsOnly(), userIds, action: 'restrict', recipients: settings.recipients, ops });
  }

  async liftRestriction(workspaceId: string, input: OnAccounts & { informedSubject: boolean }): Promise<ActionResult> {
    if (input.informedSubject !== true) {
      throw new LetheError('invalid_input', 'Art. 18(3): inform the person before the restriction is lifted, then confirm it');
    }
    const settings = await this.getSettings(workspaceId);
    const userIds = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, input.userIds);
    const ops = liftRestrictionOps(userIds, settings.restrictionTag);
    return this.#start(workspaceId, { ...input, ...onAccountsOnly(), userIds, action: 'lift_restriction', recipients: [], ops });
  }

  async object(workspaceId: string, input: OnAccounts & { kind: ObjectionKind }): Promise<ActionResult> {
    const settings = await this.getSettings(workspaceId);
    const conf = settings.objection[input.kind];
    if (conf.tags.length === 0 && conf.userFields.length === 0) {
      throw new LetheError(
        'conflict',
        `No tag or user field is configured for a ${input.kind} objection; set them in the actions settings`,
      );
    }
    const userIds = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, input.userIds);
    const ops = objectionOps(userIds, conf);
    return this.#start(workspaceId, {
      ...input,
      userIds,
      action: 'object',
      objection: input.kind,
      fields: conf.userFields.map((f) => `user_fields.${f.key}`),
      emailChange: false,
      recipients: [],
      ops,
      diff: [],
    });
  }

  async rectify(
    workspaceId: string,
    input: {
      subjectRef: string;
      userId?: number | undefined;
      fields: RectifyFields;
      newEmail?: string | undefined;
      notified?: string[] | undefined;
      dryRun?: boolean | undefined;
      actor?: string | undefined;
      requestId?: string | undefined;
      reason?: string | undefined;
    },
  ): Promise<ActionResult> {
    // One account, and it must be one of the person's confirmed accounts.
    const requested = input.userId ?? userIdOfRef(input.subjectRef);
    await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, [requested]);
    const userId = requested;
    const ctx = await this.#ctx(workspaceId);
    // The diff is taken against the live profile when the helpdesk answers, else against the cache.
    let live: { user: User; identities: Identity[] } | null = null;
    try {
      live = { user: await ctx.client.getUser(userId), identities: await listIdentities(ctx.client, userId) };
    } catch (error) {
      if (statusOf(error) === 404) throw new LetheError('not_found', 'The helpdesk user no longer exists');
      if (!isTransient(error)) throw error;
    }
    if (live && live.user.active === false) throw new LetheError('not_found', 'The helpdesk user is deleted');
    if (live && (live.user as { shared?: unknown }).shared === true) {
      throw new LetheError('conflict', 'This user is shared from another Zendesk account and cannot be modified here');
    }
    const before = live ? liveProfile(live.user, live.identities) : await cachedProfile(this.s, workspaceId, userId);

    const { set, beforeSet, userFields, beforeUserFields, diff, emailOps } = rectificationDiff(before, input, userId);
    const cache = await this.s.caches.open(workspaceId);
    if (emailOps.length > 0 && input.newEmail !== undefined) {
      assertEmailNotAnothers(cache.db, userId, input.newEmail);
    }
    // Organization fields holding the person, by every confirmed account's addresses and numbers.
    const everyAccount = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, undefined);
    const orgFields = await organizationFieldChanges(
      cache.db,
      everyAccount,
      input.fields.organizationFields ?? [],
      live ? ctx.client : null,
    );
    diff.push(...orgFields.diff);
    if (diff.length === 0) throw new LetheError('conflict', 'Nothing to change: the profile already holds these values');

    const settings = await this.getSettings(workspaceId);
    const notified = new Set(input.notified ?? []);
    const recipients = settings.recipients.map((name) => ({ name, notified: notified.has(name) }));
    if (input.dryRun) {
      const emailChange = emailOps.length > 0;
      return rectificationPreview({ ...input, userId, diff, emailChange, recipients, queued: live === null });
    }

    const ops: NewOperation[] = [];
    if (Object.keys(set).length > 0 || Object.keys(userFields).length > 0) {
      const payload: UpdateFieldsPayload = { set, userFields, before: beforeSet, beforeUserFields };
      ops.push({ ref: 'fields', stage: 1, kind: ACTION_OP.updateFields, targets: [userId], payload: payload as never });
    }
    ops.push(...orgFields.ops, ...emailOps);
    const started = await this.#start(workspaceId, {
      ...input,
      userIds: [userId],
      action: 'rectify',
      objection: null,
      fields: diff.map((d) => d.field),
      emailChange: emailOps.length > 0,
      recipients,
      ops,
      diff,
    });
    // The old address or number stays the person's, as a former one (#19 item 7): comments quote it still.
    const replaced = { userId, replacedAt: new Date().toISOString(), replacedBy: input.actor ?? defaultActor() };
    if (emailOps.length > 0 && before.primaryEmail !== null) {
      await keepFormerIdentity(this.s, workspaceId, { ...replaced, type: 'email', value: before.primaryEmail });
    }
    const oldPhone = diff.find((d) => d.field === 'phone')?.before;
    if (typeof oldPhone === 'string' && oldPhone.trim() !== '') {
      await keepFormerIdentity(this.s, workspaceId, { ...replaced, type: 'phone_number', value: oldPhone });
    }
    return started;
  }

  // --- list, flush, notifications ------------------------------------------------------------

  async list(workspaceId: string, filter: { subjectRef?: string | undefined; limit?: number | undefined }): Promise<ActionView[]> {
    const journal = await openJournal(this.s, workspaceId);
    const runs = journal.listRuns<ActionDocument>({ kind: RUN_KIND, limit: 5_000 });
    return runs
      .filter((r) => filter.subjectRef === undefined || r.subjectRef === filter.subjectRef)
      .slice(0, filter.limit ?? 100)
      .map((r) => actionView(journal, r));
  }

  async setNotified(
    workspaceId: string,
    input: { actionId: string; recipient: string; notified: boolean; actor?: string | undefined },
  ): Promise<ActionView> {
    const journal = await openJournal(this.s, workspaceId);
    const run = journal.findRun<ActionDocument>(input.actionId);
    if (!run || run.kind !== RUN_KIND) throw new LetheError('not_found', 'No such action');
    const doc = run.document;
    const entry = doc.recipients.find((r) => r.name === input.recipient);
    if (entry) entry.notified = input.notified;
    else doc.recipients.push({ name: input.recipient, notified: input.notified });
    journal.updateDocument(run.id, doc);
    await appendAudit(this.s, workspaceId, {
      actor: input.actor ?? defaultActor(),
      action: 'actions.recipient_notified',
      subject: doc.subjectRef,
      ...(doc.requestId ? { requestId: doc.requestId } : {}),
      data: {
        actionId: run.id,
        notified: input.notified,
        recipientsNotified: doc.recipients.filter((r) => r.notified).length,
        recipients: doc.recipients.length,
      },
    });
    return actionView(journal, journal.getRun<ActionDocument>(run.id));
  }

  /** Revalidates and sends every queued action, oldest first. */
  async flush(workspaceId: string): Promise<{ attempted: number; done: number; queued: number; failed: number; stopped: number }> {
    const ctx = await this.#ctx(workspaceId);
    const pending = ctx.journal
      .listRuns<ActionDocument>({ kind: RUN_KIND, limit: 5_000 })
      .filter((r) => actionState(ctx.journal, r) === 'queued')
      .reverse();
    const out = { attempted: pending.length, done: 0, queued: 0, failed: 0, stopped: 0 };
    for (const run of pending) {
      await this.#execute(ctx, run.id);
      out[actionState(ctx.journal, ctx.journal.getRun<ActionDocument>(run.id))]++;
    }
    return out;
  }

  // --- internals -----------------------------------------------------------------------------

  async #start(
    workspaceId: string,
    a: {
      subjectRef: string;
      userIds: number[];
      action: ActionKind;
      objection: ObjectionKind | null;
      fields: string[];
      emailChange: boolean;
      recipients: Array<{ name: string; notified: boolean }> | string[];
      ops: NewOperation[];
      diff: FieldChange[];
      actor?: string | undefined;
      requestId?: string | undefined;
      reason?: string | undefined;
    },
  ): Promise<ActionResult> {
    const ctx = await this.#ctx(workspaceId);
    const doc: ActionDocument = {
      action: a.action,
      objection: a.objection,
      subjectRef: a.subjectRef,
      userIds: a.userIds,
      fields: a.fields,
      emailChange: a.emailChange,
      recipients: a.recipients.map((r) => (typeof r === 'string' ? { name: r, notified: false } : r)),
      requestId: a.requestId ?? null,
      reason: a.reason ?? null,
      actor: a.actor ?? defaultActor(),
      error: null,
      stopped: false,
      audited: false,
    };
    const run = ctx.journal.createRun<ActionDocument>({ kind: RUN_KIND, subjectRef: a.subjectRef, document: doc });
    ctx.journal.addOperations(run.id, a.ops);
    if (a.requestId) {
      try {
        await linkToRequest(this.s, workspaceId, a.requestId, { kind: 'action', ref: run.id }, doc.actor);
      } catch (error) {
        ctx.journal.setRunState(run.id, 'abandoned');
        throw error;
      }
    }
    const refreshed = await this.#execute(ctx, run.id);
    const final = ctx.journal.getRun<ActionDocument>(run.id);
    const view = actionView(ctx.journal, final);
    if (view.state === 'queued' && !final.document.audited) {
      await appendAudit(this.s, workspaceId, {
        actor: doc.actor,
        action: `actions.${a.action}.queued`,
        subject: a.subjectRef,
        ...(a.requestId ? { requestId: a.requestId } : {}),
        data: {
          actionId: run.id,
          accounts: a.userIds.length,
          operations: a.ops.length,
          fields: a.fields,
          reason: final.document.error?.code ?? 'pending',
        },
      });
    }
    return { action: view, queued: view.state === 'queued', diff: a.diff, cacheRefreshed: refreshed };
  }

  async #refreshOrganizations(ctx: ActionCtx, orgIds: number[]): Promise<boolean> {
    try {
      await refreshOrganizations((await this.s.caches.open(ctx.workspaceId)).db, ctx.client, orgIds);
      return true;
    } catch (error) {
      // Done upstream; the next sync brings the organization.
      this.s.log.warn('actions: organization refresh failed', { code: (error as { code?: string })?.code ?? 'internal_error' });
      return false;
    }
  }

  /** Revalidates against the live API, then runs the operations; returns whether the cache was refreshed. */
  async #execute(ctx: ActionCtx, runId: string): Promise<boolean> {
    const prior = this.#running.get(runId);
    if (prior) await prior.catch(() => undefined);
    let refreshed = false;
    const task = (async () => {
      const run = ctx.journal.getRun<ActionDocument>(runId);
      if (actionState(ctx.journal, run) !== 'queued') return;
      const doc = run.document;
      const verdict = await revalidateAction(ctx, run);
      if (verdict === 'offline') return;
      if (verdict !== 'ok') {
        const planned = ctx.journal.operations(runId, ['planned']).map((o) => o.id);
        ctx.journal.transition(planned, 'skipped', { error: verdict });
        doc.error = verdict;
        doc.stopped = true;
        ctx.journal.updateDocument(runId, doc);
        ctx.journal.setRunState(runId, 'needs_attention');
        await auditOutcome(this.s, ctx.workspaceId, runId, ctx.journal);
        return;
      }
      ctx.journal.setRunState(runId, 'running');
      const result = await executeRun({
        journal: ctx.journal,
        runId,
        handlers: createOpHandlers(ctx.client),
        maxAttempts: this.options.maxAttempts ?? 3,
      });
      const after = ctx.journal.getRun<ActionDocument>(runId).document;
      if (result.counts.planned > 0 || result.counts.sent > 0) {
        after.error = { code: 'helpdesk_unreachable', message: 'The helpdesk did not confirm every change; the action stays queued' };
        ctx.journal.updateDocument(runId, after);
        return;
      }
      const orgIds = ctx.journal
        .operations(runId)
        .filter((o) => o.kind === ORGANIZATION_FIELD_OP && o.state === 'done')
        .map((o) => o.targets[0]!);
      const failed = ctx.journal.operations(runId, ['failed'])[0];
      after.error = failed ? { code: failed.errorCode ?? 'helpdesk_error', message: failed.errorMessage ?? 'failed' } : null;
      ctx.journal.db.transaction(() => {
        // Settled: the values (names, addresses) leave the journal; field names stay in the document.
        ctx.journal.scrubPayloads(runId);
        ctx.journal.updateDocument(runId, after);
        ctx.journal.setRunState(runId, result.complete ? 'completed' : 'needs_attention');
      })();
      refreshed = await refreshCache(this.s, ctx, after.userIds);
      if (orgIds.length > 0) refreshed = (await this.#refreshOrganizations(ctx, orgIds)) && refreshed;
      await auditOutcome(this.s, ctx.workspaceId, runId, ctx.journal);
    })();
    this.#running.set(runId, task);
    try {
      await task;
    } finally {
      if (this.#running.get(runId) === task) this.#running.delete(runId);
    }
    return refreshed;
  }
}
