import type {
  ActionKind,
  ActionResult,
  ActionSettings,
  ActionState,
  ActionView,
  FieldChange,
  ObjectionKind,
  RectifyFields,
} from '../../../shared/contract/groups/actions';
import { LetheError } from '../../../shared/errors';
import { appendAudit } from '../audit';
import { applyUsersPage, type IdentityRecord, type SqliteDb, type UserRecord } from '../db';
import type { Identity, TransportOptions, User, ZendeskClient } from '../helpdesk';
import { executeRun, openJournal, type Journal, type JournalRun, type NewOperation } from '../journal';
import { defaultActor, linkToRequest } from '../requests';
import type { CoreServices } from '../services';
import { writeWhenFree } from '../db/write-when-free';
import { resolveWorkspace, WorkspaceClients } from '../workspaces/workspace-clients';
import { confirmedAccountsFor } from '../subjects/links';
import { userIdOfRef } from '../subjects/subject-ref';
import { assertEmailNotAnothers } from './email-owner';
import { readActionSettings, writeActionSettings } from './settings';
import {
  ACTION_OP,
  createActionHandlers as createOpHandlers,
  fieldsApplied,
  listIdentities,
  profileValue,
  userFieldsOf,
  type FieldValue,
  type IdentityPayload,
  type UpdateFieldsPayload,
} from './zendesk-ops';

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
function isTransient(error: unknown): boolean {
  const e = error as { code?: string; status?: number; details?: { status?: number } };
  if (TRANSIENT.has(e?.code ?? '')) return true;
  const status = e?.status ?? e?.details?.status;
  return e?.code === 'helpdesk_error' && typeof status === 'number' && status >= 500;
}
const statusOf = (error: unknown): number | undefined => {
  const e = error as { status?: number; details?: { status?: number } };
  return e?.status ?? e?.details?.status;
};
const errorOf = (error: unknown): { code: string; message: string } => {
  const e = error as { code?: string; message?: string };
  return { code: e?.code ?? 'internal_error', message: (e?.message ?? 'failed').slice(0, 300) };
};

const PROFILE_FIELDS = ['name', 'phone', 'alias', 'details', 'notes'] as const;

export interface ActionServiceOptions {
  transport?: TransportOptions;
  maxAttempts?: number;
}

interface Ctx {
  workspaceId: string;
  journal: Journal;
  client: ZendeskClient;
}

/**
 * Actions on the subject for the contract handlers. Each action is one journal run of kind
 * `action`; its operations are idempotent (they read before they write) and re-checkable, so a
 * queued or interrupted action is finished by `flush` without anything happening twice.
 */
export class ActionService {
  readonly #clients: WorkspaceClients;
  /** One execution per run at a time: a flush and a new action never send the same operation twice. */
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    private readonly s: CoreServices,
    private readonly options: ActionServiceOptions = {},
  ) {
    this.#clients = new WorkspaceClients(s, options.transport);
  }

  resolve(workspaceId: string | undefined): Promise<string> {
    return resolveWorkspace(this.s, workspaceId);
  }

  async #ctx(workspaceId: string): Promise<Ctx> {
    return { workspaceId, journal: await openJournal(this.s, workspaceId), client: await this.#clients.client(workspaceId) };
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

  async restrict(
    workspaceId: string,
    input: {
      subjectRef: string;
      userIds?: number[] | undefined;
      actor?: string | undefined;
      requestId?: string | undefined;
      reason?: string | undefined;
    },
  ): Promise<ActionResult> {
    const settings = await this.getSettings(workspaceId);
    const userIds = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, input.userIds);
    const ops: NewOperation[] = userIds.flatMap((id) => [
      { ref: `suspend-${id}`, stage: 1, kind: ACTION_OP.suspend, targets: [id] },
      { ref: `tag-${id}`, stage: 1, kind: ACTION_OP.addTags, targets: [id], payload: { tags: [settings.restrictionTag] } },
      // After the suspension, so no new session can start between the two.
      { ref: `sessions-${id}`, stage: 2, kind: ACTION_OP.revokeSessions, targets: [id], dependsOn: [`suspend-${id}`] },
    ]);
    return this.#start(workspaceId, {
      ...input,
      userIds,
      action: 'restrict',
      objection: null,
      fields: [],
      emailChange: false,
      recipients: settings.recipients,
      ops,
      diff: [],
    });
  }

  async liftRestriction(
    workspaceId: string,
    input: {
      subjectRef: string;
      userIds?: number[] | undefined;
      actor?: string | undefined;
      requestId?: string | undefined;
      reason?: string | undefined;
      informedSubject: boolean;
    },
  ): Promise<ActionResult> {
    if (input.informedSubject !== true) {
      throw new LetheError('invalid_input', 'Art. 18(3): inform the person before the restriction is lifted, then confirm it');
    }
    const settings = await this.getSettings(workspaceId);
    const userIds = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, input.userIds);
    const ops: NewOperation[] = userIds.flatMap((id) => [
      { ref: `unsuspend-${id}`, stage: 1, kind: ACTION_OP.unsuspend, targets: [id] },
      { ref: `untag-${id}`, stage: 1, kind: ACTION_OP.removeTags, targets: [id], payload: { tags: [settings.restrictionTag] } },
    ]);
    return this.#start(workspaceId, {
      ...input,
      userIds,
      action: 'lift_restriction',
      objection: null,
      fields: [],
      emailChange: false,
      recipients: [],
      ops,
      diff: [],
    });
  }

  async object(
    workspaceId: string,
    input: {
      subjectRef: string;
      userIds?: number[] | undefined;
      actor?: string | undefined;
      requestId?: string | undefined;
      reason?: string | undefined;
      kind: ObjectionKind;
    },
  ): Promise<ActionResult> {
    const settings = await this.getSettings(workspaceId);
    const conf = settings.objection[input.kind];
    if (conf.tags.length === 0 && conf.userFields.length === 0) {
      throw new LetheError(
        'conflict',
        `No tag or user field is configured for a ${input.kind} objection; set them in the actions settings`,
      );
    }
    const userIds = await confirmedAccountsFor(this.s, workspaceId, input.subjectRef, input.userIds);
    const userFields = Object.fromEntries(conf.userFields.map((f) => [f.key, f.value]));
    const ops: NewOperation[] = userIds.flatMap((id) => {
      const list: NewOperation[] = [];
      if (conf.tags.length > 0)
        list.push({ ref: `tag-${id}`, stage: 1, kind: ACTION_OP.addTags, targets: [id], payload: { tags: conf.tags } });
      if (conf.userFields.length > 0) {
        const payload: UpdateFieldsPayload = { set: {}, userFields, before: {}, beforeUserFields: {} };
        list.push({ ref: `fields-${id}`, stage: 2, kind: ACTION_OP.updateFields, targets: [id], payload: payload as never });
      }
      return list;
    });
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
    const before = live ? this.#liveProfile(live.user, live.identities) : await this.#cachedProfile(workspaceId, userId);

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
    let emailOps: NewOperation[] = [];
    const oldEmail = before.primaryEmail;
    if (input.newEmail !== undefined && (oldEmail === null || oldEmail.toLowerCase() !== input.newEmail.toLowerCase())) {
      assertEmailNotAnothers((await this.s.caches.open(workspaceId)).db, userId, input.newEmail);
      diff.push({ field: 'email', before: oldEmail, after: input.newEmail });
      const add: IdentityPayload = { type: 'email', value: input.newEmail };
      emailOps = [
        { ref: 'identity-add', stage: 2, kind: ACTION_OP.addIdentity, targets: [userId], payload: add as never },
        {
          ref: 'identity-primary',
          stage: 3,
          kind: ACTION_OP.makePrimary,
          targets: [userId],
          payload: add as never,
          dependsOn: ['identity-add'],
        },
      ];
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
    if (diff.length === 0) throw new LetheError('conflict', 'Nothing to change: the profile already holds these values');

    const settings = await this.getSettings(workspaceId);
    const notified = new Set(input.notified ?? []);
    const recipients = settings.recipients.map((name) => ({ name, notified: notified.has(name) }));
    const emptyView = (): ActionResult => ({
      action: {
        id: 'preview',
        action: 'rectify',
        objection: null,
        subjectRef: input.subjectRef,
        userIds: [userId],
        state: 'queued',
        fields: diff.map((d) => d.field),
        emailChange: emailOps.length > 0,
        recipients,
        operations: { planned: 0, sent: 0, done: 0, failed: 0, skipped: 0 },
        error: null,
        requestId: input.requestId ?? null,
        reason: input.reason ?? null,
        actor: input.actor ?? defaultActor(),
        createdAt: new Date().toISOString(),
        finishedAt: null,
      },
      queued: live === null,
      diff,
      cacheRefreshed: false,
    });
    if (input.dryRun) return emptyView();

    const ops: NewOperation[] = [];
    if (Object.keys(set).length > 0 || Object.keys(userFields).length > 0) {
      const payload: UpdateFieldsPayload = { set, userFields, before: beforeSet, beforeUserFields };
      ops.push({ ref: 'fields', stage: 1, kind: ACTION_OP.updateFields, targets: [userId], payload: payload as never });
    }
    ops.push(...emailOps);
    return this.#start(workspaceId, {
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
  }

  // --- list, flush, notifications ------------------------------------------------------------

  async list(workspaceId: string, filter: { subjectRef?: string | undefined; limit?: number | undefined }): Promise<ActionView[]> {
    const journal = await openJournal(this.s, workspaceId);
    const runs = journal.listRuns<ActionDocument>({ kind: RUN_KIND, limit: 5_000 });
    return runs
      .filter((r) => filter.subjectRef === undefined || r.subjectRef === filter.subjectRef)
      .slice(0, filter.limit ?? 100)
      .map((r) => this.#view(journal, r));
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
    return this.#view(journal, journal.getRun<ActionDocument>(run.id));
  }

  /** Revalidates and sends every queued action, oldest first. */
  async flush(workspaceId: string): Promise<{ attempted: number; done: number; queued: number; failed: number; stopped: number }> {
    const ctx = await this.#ctx(workspaceId);
    const pending = ctx.journal
      .listRuns<ActionDocument>({ kind: RUN_KIND, limit: 5_000 })
      .filter((r) => this.#state(ctx.journal, r) === 'queued')
      .reverse();
    const out = { attempted: pending.length, done: 0, queued: 0, failed: 0, stopped: 0 };
    for (const run of pending) {
      await this.#execute(ctx, run.id);
      out[this.#state(ctx.journal, ctx.journal.getRun<ActionDocument>(run.id))]++;
    }
    return out;
  }

  // --- internals -----------------------------------------------------------------------------

  #liveProfile(
    user: User,
    identities: Identity[],
  ): { profile: Record<string, FieldValue>; userFields: Record<string, FieldValue>; primaryEmail: string | null } {
    const profile: Record<string, FieldValue> = {};
    for (const f of PROFILE_FIELDS) profile[f] = profileValue(user, f);
    const primary = identities.find((i) => i.type === 'email' && i.primary)?.value ?? user.email ?? null;
    return { profile, userFields: userFieldsOf(user), primaryEmail: primary };
  }

  async #cachedProfile(
    workspaceId: string,
    userId: number,
  ): Promise<{ profile: Record<string, FieldValue>; userFields: Record<string, FieldValue>; primaryEmail: string | null }> {
    const cache = await this.s.caches.open(workspaceId);
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
    const view = this.#view(ctx.journal, final);
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

  /** Revalidates against the live API, then runs the operations; returns whether the cache was refreshed. */
  async #execute(ctx: Ctx, runId: string): Promise<boolean> {
    const prior = this.#running.get(runId);
    if (prior) await prior.catch(() => undefined);
    let refreshed = false;
    const task = (async () => {
      const run = ctx.journal.getRun<ActionDocument>(runId);
      if (this.#state(ctx.journal, run) !== 'queued') return;
      const doc = run.document;
      const verdict = await this.#revalidate(ctx, run);
      if (verdict === 'offline') return;
      if (verdict !== 'ok') {
        const planned = ctx.journal.operations(runId, ['planned']).map((o) => o.id);
        ctx.journal.transition(planned, 'skipped', { error: verdict });
        doc.error = verdict;
        doc.stopped = true;
        ctx.journal.updateDocument(runId, doc);
        ctx.journal.setRunState(runId, 'needs_attention');
        await this.#auditOutcome(ctx.workspaceId, runId, ctx.journal);
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
      const failed = ctx.journal.operations(runId, ['failed'])[0];
      after.error = failed ? { code: failed.errorCode ?? 'helpdesk_error', message: failed.errorMessage ?? 'failed' } : null;
      ctx.journal.db.transaction(() => {
        // Settled: the values (names, addresses) leave the journal; field names stay in the document.
        ctx.journal.scrubPayloads(runId);
        ctx.journal.updateDocument(runId, after);
        ctx.journal.setRunState(runId, result.complete ? 'completed' : 'needs_attention');
      })();
      refreshed = await this.#refreshCache(ctx, after.userIds);
      await this.#auditOutcome(ctx.workspaceId, runId, ctx.journal);
    })();
    this.#running.set(runId, task);
    try {
      await task;
    } finally {
      if (this.#running.get(runId) === task) this.#running.delete(runId);
    }
    return refreshed;
  }

  /**
   * Whether a queued action still makes sense against the live helpdesk: every account exists and
   * is active, a rectification's fields still read as they did (or already as intended), and an
   * e-mail change still starts from the address that was primary.
   */
  async #revalidate(ctx: Ctx, run: JournalRun<ActionDocument>): Promise<'ok' | 'offline' | { code: string; message: string }> {
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
  async #refreshCache(ctx: Ctx, userIds: number[]): Promise<boolean> {
    try {
      const cache = await this.s.caches.open(ctx.workspaceId);
      for (const userId of userIds) {
        const user = await ctx.client.getUser(userId);
        const identities = await listIdentities(ctx.client, userId);
        await writeWhenFree(cache.db, () => writeUser(cache.db, user, identities));
      }
      return true;
    } catch (error) {
      // The change is done upstream; a stale cache heals at the next sync.
      this.s.log.warn('actions: cache refresh failed', { code: errorOf(error).code });
      return false;
    }
  }

  async #auditOutcome(workspaceId: string, runId: string, journal: Journal): Promise<void> {
    const run = journal.getRun<ActionDocument>(runId);
    const doc = run.document;
    if (doc.audited) return;
    const counts = journal.counts(runId);
    const state = this.#state(journal, run);
    await appendAudit(this.s, workspaceId, {
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

  #state(journal: Journal, run: JournalRun<ActionDocument>): ActionState {
    if (run.document.stopped || run.state === 'abandoned') return 'stopped';
    const c = journal.counts(run.id);
    if (c.planned > 0 || c.sent > 0) return 'queued';
    if (c.failed > 0 || c.skipped > 0) return 'failed';
    return 'done';
  }

  #view(journal: Journal, run: JournalRun<ActionDocument>): ActionView {
    const d = run.document;
    return {
      id: run.id,
      action: d.action,
      objection: d.objection,
      subjectRef: d.subjectRef,
      userIds: d.userIds,
      state: this.#state(journal, run),
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
}

function writeUser(db: SqliteDb, user: User, identities: Identity[]): void {
  applyUsersPage(db, [user as unknown as UserRecord], identities as unknown as IdentityRecord[], { resource: 'users' });
}
