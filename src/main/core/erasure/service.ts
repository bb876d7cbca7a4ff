// Longer than ~400 lines on purpose: the lifecycle of one plan (plan, override, approve, run, resume,
// verify) around one journal run and its in-process state; its steps are already apart (build-ops,
// run, receipt, revalidate, approval). Others are changing it now.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  ExemptionRules,
  Receipt,
  type Difference,
  type ErasurePlan,
  type PlanRequest,
  type Regulation,
  type RunStatus,
} from '../../../shared/contract/groups/erasure';
import { LetheError } from '../../../shared/errors';
import { appendAudit } from '../audit/audit-log';
import { officerName } from '../audit/officer';
import { assertNoPersonalData } from '../audit/chain';
import { normalizeIdentityValue } from '../db';
import type { TransportOptions } from '../helpdesk';
import { openJournal, uuidv7, type Journal, type OpCounts } from '../journal';
import type { CoreServices } from '../services';
import { WorkspaceDomain } from '../workspaces/workspace-clients';
import { assertSecondPerson, assertStaffName, localAccountName } from './approval';
import { buildOperations } from './build-ops';
import { computePreview, subjectForNewPlan, subjectOfPlan, withDecisions } from './compute-plan';
import { decide, type StoredOverride } from './decide';
import { RUN_KIND, type ErasureDocument } from './document';
import { gatherFacts } from './facts';
import { hmacRef, saveReceipt } from './receipt';
import { erasureStores, type ErasureStore, type ErasureStores } from './plan-store';
import { linkRunToRequest, requestFields } from './request-context';
import { revalidateFacts } from './revalidate';
import { runErasure } from './run';
import { openLinkRegister } from '../subjects/links';
import { planSurfaces } from './surface-plan';
import { liveSurfaces, refuseUnlikeReviewed, surfaceOperations } from './surfaces-run';
import { readZendeskDeletion, withComplianceRow, type ZendeskStatusOptions } from './zendesk-status';
import { OP } from './zendesk-ops';

const RULES_KEY = 'erasure.rules';
const HMAC_KEY = 'erasure.hmacKey';
/** A revalidation older than this is not what the user reviewed any more. */
const REVALIDATION_TTL_MS = 15 * 60_000;

export interface ErasureServiceOptions {
  transport?: TransportOptions;
  pollIntervalMs?: number;
  /** See ZendeskOpsOptions.inFlightGraceMs; tests shorten it to their simulator's job delay. */
  inFlightGraceMs?: number;
  maxAttempts?: number;
  /** The run's bounded wait for Zendesk's own deletion status (DEFAULT_ZENDESK_STATUS). */
  zendeskStatus?: ZendeskStatusOptions;
  /** false: execute prepares the journal and leaves running to `resume` (or another process). */
  autoStart?: boolean;
  /** Where plans live per workspace; default: the team database in team mode, else the local journal. */
  stores?: ErasureStores;
}

const emptyCounts = (): OpCounts => ({ planned: 0, sent: 0, done: 0, failed: 0, skipped: 0 });

/**
 * Erasure for the contract handlers: plans in the journal store (one run per plan), live
 * revalidation, execution in the background with progress events, resume after a restart.
 */
export class ErasureService extends WorkspaceDomain<ErasureServiceOptions> {
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #controllers = new Map<string, AbortController>();
  readonly #errors = new Map<string, { code: string; message: string }>();
  readonly #stores: ErasureStores;
  #closed = false;

  constructor(s: CoreServices, options: ErasureServiceOptions = {}) {
    // Counted: a run reports how many requests it took.
    super(s, options, { countRequests: true });
    this.#stores = options.stores ?? erasureStores(s);
  }

  #store(workspaceId: string): Promise<ErasureStore> {
    return this.#stores(workspaceId);
  }

  journal(workspaceId: string): Promise<Journal> {
    return openJournal(this.s, workspaceId);
  }

  async #hmacKey(journal: Journal, store: ErasureStore): Promise<Buffer> {
    return Buffer.from(await store.initSetting(journal, HMAC_KEY, randomBytes(32).toString('hex')), 'hex');
  }

  async getRules(workspaceId: string): Promise<ExemptionRules> {
    const journal = await this.journal(workspaceId);
    return ExemptionRules.parse((await (await this.#store(workspaceId)).readSetting(journal, RULES_KEY)) ?? {});
  }

  /** Every change is an audit entry: switching second-person approval off must leave a trace. */
  async setRules(workspaceId: string, rules: ExemptionRules): Promise<ExemptionRules> {
    const parsed = ExemptionRules.parse(rules);
    assertNoPersonalData(parsed);
    const journal = await this.journal(workspaceId);
    const store = await this.#store(workspaceId);
    const previous = ExemptionRules.parse((await store.readSetting(journal, RULES_KEY)) ?? {});
    await store.writeSetting(journal, RULES_KEY, parsed as never);
    const changed = (Object.keys(parsed) as Array<keyof ExemptionRules>)
      .filter((key) => JSON.stringify(parsed[key]) !== JSON.stringify(previous[key]))
      .sort();
    if (changed.length > 0) {
      // Counts and switches only: tag names and notes are free text.
      await appendAudit(this.s, workspaceId, {
        actor: localAccountName(),
        action: 'erasure.rules_changed',
        data: {
          changed,
          requireApproval: parsed.requireApproval,
          previousRequireApproval: previous.requireApproval,
          retentionDays: parsed.retentionDays,
          redactionApi: parsed.redactionApi,
          tagRules: parsed.tags.length,
          fieldRules: parsed.fields.length,
        },
      });
    }
    return parsed;
  }

  // --- plans ---------------------------------------------------------------------------------

  async plan(
    workspaceId: string,
    input: { subject: string; regulation: Regulation; preparedBy?: string | undefined; request?: PlanRequest | null },
  ): Promise<ErasurePlan> {
    // The preparer is always recorded, so an approval can be checked against it (in team mode: the role).
    const store = await this.#store(workspaceId);
    const preparedBy = store.role ?? input.preparedBy ?? localAccountName();
    assertStaffName(preparedBy, 'preparer');
    const cache = await this.s.caches.open(workspaceId);
    const journal = await this.journal(workspaceId);
    const rules = await this.getRules(workspaceId);
    const subject = await subjectForNewPlan(this.s, workspaceId, cache.db, input.subject);
    const { facts, decided, dataAsOf } = computePreview(cache.db, subject, rules, input.regulation);
    if (facts.subject.userIds.length === 0) {
      throw new LetheError('not_found', 'No account with this e-mail is in the cache. Sync, or check the address.');
    }
    const key = await this.#hmacKey(journal, store);
    const id = uuidv7();
    const plan: ErasurePlan = {
      id,
      workspaceId,
      createdAt: new Date().toISOString(),
      dataAsOf,
      regulation: input.regulation,
      request: input.request ?? null,
      subject: {
        email: facts.subject.email,
        ref: hmacRef(key, normalizeIdentityValue('email', facts.subject.email)),
        userIds: facts.subject.userIds,
        emails: facts.subject.emails,
        phones: facts.subject.phones,
        relatedAccounts: facts.subject.relatedAccounts,
      },
      tickets: decided.tickets,
      accounts: decided.accounts,
      mentions: decided.mentions,
      ...planSurfaces(
        cache.db,
        await openLinkRegister(this.s, workspaceId, cache.db),
        workspaceId,
        facts.subject.userIds[0]!,
        decided.tickets,
      ),
      counts: decided.counts,
      preparedBy,
      approval: null,
      approvalRequired: rules.requireApproval,
      fingerprint: decided.fingerprint,
      revalidation: null,
      phase: 'draft',
      state: 'draft',
    };
    const doc: ErasureDocument = {
      plan,
      overrides: [],
      rules,
      verification: null,
      residue: null,
      forgotten: null,
      receipt: null,
      apiCalls: 0,
    };
    journal.createRun({ id, kind: RUN_KIND, document: doc, subjectRef: plan.subject.ref });
    await store.created(journal, id);
    await appendAudit(this.s, workspaceId, {
      actor: preparedBy,
      action: 'erasure.planned',
      ...requestFields(doc),
      subject: plan.subject.email,
      data: { runId: id, tickets: plan.counts.tickets, accounts: plan.counts.accounts, regulation: plan.regulation },
    });
    return plan;
  }

  async #doc(workspaceId: string, planId: string): Promise<{ journal: Journal; doc: ErasureDocument; store: ErasureStore }> {
    const journal = await this.journal(workspaceId);
    const store = await this.#store(workspaceId);
    if (!this.#running.has(planId)) await store.pull(journal, planId);
    const run = journal.findRun<ErasureDocument>(planId);
    if (!run || run.kind !== RUN_KIND) throw new LetheError('not_found', 'No such erasure plan in this workspace');
    const doc = run.document;
    // An approval stored before approvals named their fingerprint approves nothing checkable.
    if (doc.plan.approval && typeof doc.plan.approval.fingerprint !== 'string') doc.plan = { ...doc.plan, approval: null };
    return { journal, doc, store };
  }

  async getPlan(workspaceId: string, planId: string): Promise<ErasurePlan> {
    return (await this.#doc(workspaceId, planId)).doc.plan;
  }

  #draft(doc: ErasureDocument): void {
    if (doc.plan.state !== 'draft') throw new LetheError('conflict', 'This plan has already run; plan again to change it');
  }

  async override(
    workspaceId: string,
    planId: string,
    input: { target: 'ticket' | 'account'; id: number; decision: 'delete' | 'redact' | 'keep'; reason: string; by?: string | undefined },
  ): Promise<ErasurePlan> {
    const { journal, doc, store } = await this.#doc(workspaceId, planId);
    this.#draft(doc);
    const exists =
      input.target === 'ticket'
        ? doc.plan.tickets.some((t) => t.ticketId === input.id)
        : doc.plan.accounts.some((a) => a.userId === input.id);
    if (!exists) throw new LetheError('not_found', `No such ${input.target} in this plan`);
    if (input.target === 'account' && input.decision === 'redact')
      throw new LetheError('invalid_input', 'An account is deleted or kept, not redacted');
    // The reason and the name go into the receipt, which must name nobody but staff.
    assertNoPersonalData({ reason: input.reason, by: input.by ?? '' });
    const override: StoredOverride = {
      target: input.target,
      id: input.id,
      decision: input.decision,
      reason: input.reason,
      by: input.by ?? null,
      at: new Date().toISOString(),
    };
    const from =
      input.target === 'ticket'
        ? doc.plan.tickets.find((t) => t.ticketId === input.id)?.decision
        : doc.plan.accounts.find((a) => a.userId === input.id)?.decision;
    doc.overrides = [...doc.overrides.filter((o) => !(o.target === input.target && o.id === input.id)), override];
    return this.#redecide(
      workspaceId,
      planId,
      { journal, doc, store },
      { target: input.target, from: from ?? null, to: input.decision },
      input.by,
    );
  }

  /**
   * The officer's choice about the subject's name beside a quoted address in one mention (#19
   * item 6): redacted with the address (the default, no override) or kept (an override, listed in
   * the receipt). Like any override it changes the plan, so its approval and live check go.
   */
  async chooseName(
    workspaceId: string,
    planId: string,
    input: { commentId: number; redact: boolean; by?: string | undefined },
  ): Promise<ErasurePlan> {
    const held = await this.#doc(workspaceId, planId);
    const { doc } = held;
    this.#draft(doc);
    const mention = doc.plan.mentions.find((m) => m.commentId === input.commentId);
    if (!mention) throw new LetheError('not_found', 'No such mention in this plan');
    if (!mention.name)
      throw new LetheError('invalid_input', 'No name stands beside the address in this mention; there is nothing to choose');
    if (input.by !== undefined) assertNoPersonalData({ by: input.by });
    const from = mention.name.redact ? 'redact' : 'keep';
    const to = input.redact ? 'redact' : 'keep';
    doc.overrides = doc.overrides.filter((o) => !(o.target === 'name' && o.id === input.commentId));
    if (!input.redact) {
      doc.overrides.push({
        target: 'name',
        id: input.commentId,
        decision: 'keep',
        reason: 'The officer kept the name beside the redacted address',
        by: input.by ?? null,
        at: new Date().toISOString(),
      });
    }
    if (from === to) return doc.plan;
    return this.#redecide(workspaceId, planId, held, { target: 'name', from, to }, input.by);
  }

  /** Decides again after an override: a changed plan is a new plan, what was approved or checked live was the old one. */
  async #redecide(
    workspaceId: string,
    planId: string,
    { journal, doc, store }: { journal: Journal; doc: ErasureDocument; store: ErasureStore },
    change: { target: StoredOverride['target']; from: string | null; to: string },
    by: string | undefined,
  ): Promise<ErasurePlan> {
    const cache = await this.s.caches.open(workspaceId);
    const subject = await subjectOfPlan(this.s, workspaceId, cache.db, doc.plan);
    const { decided } = computePreview(cache.db, subject, doc.rules, doc.plan.regulation, doc.overrides);
    const approval = doc.plan.approval;
    doc.plan = { ...withDecisions(doc.plan, decided), approval: null, revalidation: null };
    journal.updateDocument(planId, doc);
    await store.pushDraft(journal, planId);
    // Which ticket, account or mention: its id identifies the subject's records, the run id suffices.
    await appendAudit(this.s, workspaceId, {
      actor: by ?? doc.plan.preparedBy ?? localAccountName(),
      action: 'erasure.overridden',
      ...requestFields(doc),
      data: { runId: planId, target: change.target, from: change.from, to: change.to, fingerprint: doc.plan.fingerprint },
    });
    if (approval) await this.#auditVoided(workspaceId, doc, approval.fingerprint, doc.plan.fingerprint, 'overridden', undefined, by);
    return doc.plan;
  }

  async approve(workspaceId: string, planId: string, input: { approver: string; note?: string | undefined }): Promise<ErasurePlan> {
    const { journal, doc, store } = await this.#doc(workspaceId, planId);
    this.#draft(doc);
    if (!store.role) assertSecondPerson(input.approver, doc.plan.preparedBy);
    assertNoPersonalData({ approver: input.approver, note: input.note ?? '' });
    // In team mode the database records the approver (current_user) and refuses the preparer itself.
    const approver = (await store.approve(planId, doc.plan.fingerprint, input.note ?? '')) ?? input.approver;
    doc.plan = {
      ...doc.plan,
      approval: { approver, note: input.note ?? '', at: new Date().toISOString(), fingerprint: doc.plan.fingerprint },
    };
    journal.updateDocument(planId, doc);
    await appendAudit(this.s, workspaceId, {
      actor: approver,
      action: 'erasure.approved',
      ...requestFields(doc),
      subject: doc.plan.subject.email,
      data: { runId: planId, fingerprint: doc.plan.fingerprint },
    });
    return doc.plan;
  }

  /** Facts from the cache brought up to the live helpdesk, and the decisions they lead to. */
  async #live(workspaceId: string, doc: ErasureDocument, signal?: AbortSignal) {
    const cache = await this.s.caches.open(workspaceId);
    const { client } = await this.clients.entry(workspaceId);
    const facts = gatherFacts(cache.db, await subjectOfPlan(this.s, workspaceId, cache.db, doc.plan));
    // Accounts the plan was made for stay its accounts, even if the cache lost one since.
    const differences = await revalidateFacts(client, facts, doc.plan, signal);
    const decided = decide(facts, doc.rules, doc.plan.regulation, doc.overrides, Date.now());
    const surfaces = await liveSurfaces(this.s, workspaceId, cache.db, client, doc.plan, decided.tickets, signal);
    return { facts, differences, decided, surfaces, cache };
  }

  async revalidate(workspaceId: string, planId: string): Promise<ErasurePlan> {
    const { journal, doc, store } = await this.#doc(workspaceId, planId);
    this.#draft(doc);
    const { differences, decided, surfaces } = await this.#live(workspaceId, doc);
    const before = new Map(doc.plan.tickets.map((t) => [t.ticketId, t.decision]));
    const changed: Difference[] = [];
    for (const t of decided.tickets) {
      const was = before.get(t.ticketId);
      if (was !== undefined && was !== t.decision) {
        changed.push({ kind: 'decision_changed', target: 'ticket', id: t.ticketId, detail: `${was} → ${t.decision}` });
      }
    }
    const accountsBefore = new Map(doc.plan.accounts.map((a) => [a.userId, a.decision]));
    for (const a of decided.accounts) {
      const was = accountsBefore.get(a.userId);
      if (was !== undefined && was !== a.decision)
        changed.push({ kind: 'decision_changed', target: 'account', id: a.userId, detail: `${was} → ${a.decision}` });
    }
    // The approval was of the plan as it was; a plan the helpdesk changed is not approved.
    const approval = doc.plan.approval;
    const voided = approval !== null && approval.fingerprint !== decided.fingerprint;
    doc.plan = {
      ...withDecisions(doc.plan, decided),
      ...surfaces,
      ...(voided ? { approval: null } : {}),
      revalidation: { at: new Date().toISOString(), differences: [...differences, ...changed], fingerprint: decided.fingerprint },
    };
    journal.updateDocument(planId, doc);
    await store.pushDraft(journal, planId);
    if (voided) await this.#auditVoided(workspaceId, doc, approval.fingerprint, decided.fingerprint, 'revalidated', changed.length);
    return doc.plan;
  }

  async #auditVoided(
    workspaceId: string,
    doc: ErasureDocument,
    approvedFingerprint: string,
    fingerprint: string,
    cause: 'revalidated' | 'overridden',
    decisionsChanged?: number,
    by?: string | null,
  ): Promise<void> {
    // Whoever overrode or revalidated voided it: the entry names them, not "system".
    await appendAudit(this.s, workspaceId, {
      actor: officerName(by),
      action: 'erasure.approval_voided',
      ...requestFields(doc),
      data: {
        runId: doc.plan.id,
        cause,
        approvedFingerprint,
        fingerprint,
        ...(decisionsChanged === undefined ? {} : { decisionsChanged }),
      },
    });
  }

  // --- runs ----------------------------------------------------------------------------------

  async execute(
    workspaceId: string,
    planId: string,
    confirm: { subject: string; deleteTickets: number; redactTickets: number; mentionsReviewed?: number | undefined },
  ): Promise<RunStatus> {
    if (this.#closed) throw new LetheError('conflict', 'Lethe is shutting down');
    const { journal, doc, store } = await this.#doc(workspaceId, planId);
    this.#draft(doc);
    const plan = doc.plan;
    if (!plan.revalidation || Date.now() - Date.parse(plan.revalidation.at) > REVALIDATION_TTL_MS) {
      throw new LetheError(
        'conflict',
        'Check the plan against the live helpdesk (revalidate) first; differences are shown before anything runs',
      );
    }
    // Required if it was when the plan was made, or is now: switching it on covers plans already made.
    const approvalRequired = plan.approvalRequired || (await this.getRules(workspaceId)).requireApproval;
    if (approvalRequired && !plan.approval) throw new LetheError('conflict', 'This plan needs a second person’s approval before it runs');
    if (approvalRequired && plan.approval?.fingerprint !== plan.revalidation.fingerprint)
      throw new LetheError('conflict', 'The approval was given for a different version of this plan; it needs approving again');
    if (normalizeIdentityValue('email', confirm.subject) !== normalizeIdentityValue('email', plan.subject.email)) {
      throw new LetheError('conflict', 'The confirmation does not name the subject of this plan');
    }
    if (confirm.deleteTickets !== plan.counts.tickets.delete || confirm.redactTickets !== plan.counts.tickets.redact) {
      throw new LetheError('conflict', 'The confirmed counts are not the plan’s counts; review the plan again');
    }
    // Mentions left for review stay in other people's tickets as they are: the officer says so, for exactly these.
    const forReview = plan.counts.mentionsForReview;
    if ((confirm.mentionsReviewed ?? 0) !== forReview) {
      throw new LetheError(
        'mentions_unreviewed',
        forReview === 0
          ? 'The confirmation acknowledges mentions for review, but this plan has none; review the plan again'
          : `${forReview} mention(s) of the subject in other people's tickets are left for review and would be kept as they are: read them, then confirm them (or override their tickets to redact)`,
        { mentionsForReview: forReview, acknowledged: confirm.mentionsReviewed ?? 0 },
      );
    }
    const surfaceWork = (plan.surfaceItems ?? []).filter((i) => i.decision === 'delete' || i.decision === 'redact').length;
    if (plan.counts.tickets.delete + plan.counts.tickets.redact + plan.counts.accounts.delete + surfaceWork === 0) {
      throw new LetheError('conflict', 'This plan deletes and redacts nothing');
    }
    // What runs is exactly what was reviewed: the live state is read again and must give the same plan.
    const { facts, decided, surfaces, cache } = await this.#live(workspaceId, doc);
    if (decided.fingerprint !== plan.revalidation.fingerprint) {
      throw new LetheError('conflict', 'The helpdesk changed since the plan was checked; revalidate and review the differences');
    }
    // What runs is what was approved: the same fingerprint, read live just now.
    const approvedAsRuns = plan.approval !== null && plan.approval.fingerprint === decided.fingerprint;
    if (approvalRequired && !approvedAsRuns) {
      throw new LetheError('conflict', 'The approval was given for a different version of this plan; it needs approving again');
    }
    refuseUnlikeReviewed(plan, surfaces);
    const live = { ...withDecisions(plan, decided), ...surfaces };
    const ops = [...buildOperations(live, facts), ...surfaceOperations(cache.db, live)];
    // One officer runs a plan: of two executing at once, the second is refused here.
    await store.claim(planId, true);
    journal.db.transaction(() => {
      journal.addOperations(planId, ops);
      doc.plan = { ...live, phase: 'executing', state: 'running' };
      journal.updateDocument(planId, doc);
      journal.setRunState(planId, 'running');
    })();
    const shared = store.mirror(journal, planId);
    await shared.flush().finally(shared.stop);
    await appendAudit(this.s, workspaceId, {
      actor: officerName((approvedAsRuns ? plan.approval?.approver : undefined) ?? plan.preparedBy),
      action: 'erasure.executed',
      ...requestFields(doc),
      subject: plan.subject.email,
      data: {
        runId: planId,
        operations: ops.length,
        tickets: plan.counts.tickets,
        differences: plan.revalidation.differences.length,
        mentionsReviewed: forReview,
        namesRedacted: live.counts.namesToRedact,
      },
    });
    if (this.options.autoStart !== false) this.#start(workspaceId, planId);
    return this.status(workspaceId, planId);
  }

  #start(workspaceId: string, runId: string): void {
    if (this.#running.has(runId)) return;
    const controller = new AbortController();
    this.#controllers.set(runId, controller);
    this.#errors.delete(runId);
    const emit = (phase: 'running' | 'done' | 'failed' | 'cancelled', counts: OpCounts, message: string): void => {
      const total = counts.planned + counts.sent + counts.done + counts.failed + counts.skipped;
      this.s.events.emit('job.progress', {
        jobId: runId,
        kind: 'erasure',
        phase,
        done: counts.done + counts.failed + counts.skipped,
        total,
        unit: 'operations',
        message,
      });
    };
    const work = (async () => {
      const journal = await this.journal(workspaceId);
      const store = await this.#store(workspaceId);
      const cache = await this.s.caches.open(workspaceId);
      const { client, requests } = await this.clients.entry(workspaceId);
      const shared = store.mirror(journal, runId);
      const doc = await runErasure({
        journal,
        cache: cache.db,
        client,
        runId,
        dataDir: this.s.dataDir,
        workspaceId,
        hmacKey: await this.#hmacKey(journal, store),
        beforeSend: shared.beforeSend,
        requestCount: () => requests.n,
        signal: controller.signal,
        ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
        ...(this.options.inFlightGraceMs !== undefined ? { inFlightGraceMs: this.options.inFlightGraceMs } : {}),
        ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
        ...(this.options.zendeskStatus ? { zendeskStatus: this.options.zendeskStatus } : {}),
        onProgress: (phase, counts) => emit('running', counts, phase),
      }).finally(() => shared.flush().finally(shared.stop));
      const counts = journal.counts(runId);
      if (doc.plan.phase === 'done') {
        // The subject's e-mail has left the document by now: the audit gets the stored keyed reference.
        // The receipt is the run's: it names whoever started the run, as erasure.executed did.
        const actor = officerName(doc.plan.approval?.approver ?? doc.plan.preparedBy);
        await appendAudit(this.s, workspaceId, {
          actor,
          action: 'erasure.receipt',
          ...requestFields(doc),
          data: { runId, state: doc.plan.state, operations: counts, verified: doc.verification?.ok ?? false, apiCalls: doc.apiCalls },
        });
        await linkRunToRequest(this.s, workspaceId, doc, 'receipt', actor);
      }
      emit(doc.plan.state === 'completed' ? 'done' : 'failed', counts, doc.plan.state);
    })().catch((error: unknown) => {
      const cancelled = controller.signal.aborted;
      if (!cancelled) this.s.log.error('erasure run stopped', error);
      const e = error as { code?: unknown; message?: unknown };
      this.#errors.set(runId, {
        code: typeof e.code === 'string' ? e.code : 'internal_error',
        // LetheErrors carry safe messages; anything else is summarised.
        message:
          typeof e.code === 'string' && typeof e.message === 'string' ? e.message : 'The run stopped unexpectedly; resume to continue',
      });
      emit(cancelled ? 'cancelled' : 'failed', emptyCounts(), cancelled ? 'cancelled' : 'stopped; resume to continue');
    });
    const tracked = work.finally(() => {
      this.#running.delete(runId);
      this.#controllers.delete(runId);
    });
    this.#running.set(runId, tracked);
  }

  /** Resolves when the run started in this process settles (tests, CLI). */
  async wait(runId: string): Promise<void> {
    await this.#running.get(runId);
  }

  async status(workspaceId: string, runId: string): Promise<RunStatus> {
    const { journal, doc } = await this.#doc(workspaceId, runId);
    const run = journal.getRun(runId);
    const ops = journal.operations(runId);
    const byKind: Record<string, OpCounts> = {};
    for (const op of ops) {
      const c = (byKind[op.kind] ??= emptyCounts());
      c[op.state]++;
    }
    return {
      runId,
      workspaceId,
      state: doc.plan.state,
      phase: doc.plan.phase,
      running: this.#running.has(runId),
      operations: journal.counts(runId),
      byKind,
      failures: ops
        .filter((o) => o.state === 'failed' || o.state === 'skipped')
        .slice(0, 500)
        .map((o) => ({ opId: o.id, kind: o.kind, targets: o.targets, code: o.errorCode ?? o.state, message: o.errorMessage ?? '' })),
      startedAt: run.startedAt,
      finishedAt: doc.plan.phase === 'done' ? run.finishedAt : null,
      verification: doc.verification,
      residue: doc.residue,
      forgotten: doc.forgotten,
      receipt: doc.receipt,
      apiCalls: doc.apiCalls,
      zendeskDeletion: doc.zendeskDeletion ?? null,
      error: this.#errors.get(runId) ?? null,
    };
  }

  /**
   * Reads Zendesk's own deletion status again for a finished run (its products finish hours after
   * the run) and writes it into the run and its receipt; nothing else in the receipt changes.
   */
  async checkZendeskDeletion(workspaceId: string, runId: string): Promise<RunStatus> {
    const { journal, doc, store } = await this.#doc(workspaceId, runId);
    if (doc.plan.phase !== 'done' || !doc.receipt)
      throw new LetheError('conflict', 'This run has no receipt yet; Zendesk’s status is read when it finishes');
    if (this.#running.has(runId)) throw new LetheError('conflict', 'This run is still running');
    // Before any request to the helpdesk: in team mode the run is the holder's, and the receipt
    // this updates is a file on the machine that ran it, never found elsewhere.
    await store.assertHolder(runId);
    const receipt = Receipt.parse(
      JSON.parse(
        await readFile(doc.receipt.json, 'utf8').catch(() => {
          throw new LetheError(
            'not_found',
            'This run’s receipt is not on this machine: read Zendesk’s status again where the run was made',
          );
        }),
      ),
    );
    const still = new Set(doc.verification?.usersStillPresent ?? []);
    const purged = journal
      .operations(runId, ['done'])
      .filter((o) => o.kind === OP.purgeUser)
      .map((o) => o.targets[0]!)
      .filter((id) => !still.has(id));
    if (purged.length === 0)
      throw new LetheError('conflict', 'This run permanently deleted no account, so Zendesk has no deletion status for it');
    const { client, requests } = await this.clients.entry(workspaceId);
    const before = requests.n;
    const z = await readZendeskDeletion(client, purged, await this.#hmacKey(journal, store), doc.zendeskDeletion);
    doc.zendeskDeletion = z;
    doc.apiCalls += requests.n - before;
    doc.receipt = await saveReceipt(this.s.dataDir, workspaceId, {
      ...receipt,
      zendeskDeletion: z,
      ...(receipt.surfaces ? { surfaces: withComplianceRow(receipt.surfaces, z) as typeof receipt.surfaces } : {}),
    });
    journal.updateDocument(runId, doc);
    // In team mode the team's copy of the run gets the new status too.
    const shared = store.mirror(journal, runId);
    await shared.flush().finally(shared.stop);
    return this.status(workspaceId, runId);
  }

  /** Runs a crash or restart left unfinished, from where their journal stands. */
  async resume(workspaceId: string, runId?: string): Promise<RunStatus[]> {
    const journal = await this.journal(workspaceId);
    const store = await this.#store(workspaceId);
    await store.pull(journal, runId, new Set(this.#running.keys()));
    const runs = runId
      ? [journal.getRun<ErasureDocument>(runId)]
      : journal.listRuns<ErasureDocument>({ kind: RUN_KIND, states: ['running', 'needs_attention'] });
    const out: RunStatus[] = [];
    for (const run of runs) {
      if (run.kind !== RUN_KIND) throw new LetheError('not_found', 'No such erasure run');
      const phase = run.document.plan.phase;
      if (phase === 'draft' || phase === 'done') {
        if (runId) throw new LetheError('conflict', phase === 'draft' ? 'This plan has not been started' : 'This run is finished');
        continue;
      }
      // In team mode: a run another officer holds is theirs to resume.
      const held = await store.claim(run.id, false).then(
        () => false,
        (error: unknown) => {
          if (runId || (error as { code?: unknown }).code !== 'conflict') throw error;
          return true;
        },
      );
      if (held) continue;
      this.#start(workspaceId, run.id);
      out.push(await this.status(workspaceId, run.id));
    }
    return out;
  }

  async listRuns(workspaceId: string) {
    const journal = await this.journal(workspaceId);
    await (await this.#store(workspaceId)).pull(journal, undefined, new Set(this.#running.keys()));
    return journal.listRuns<ErasureDocument>({ kind: RUN_KIND }).map((r) => ({
      runId: r.id,
      state: r.document.plan.state,
      phase: r.document.plan.phase,
      createdAt: r.createdAt,
      finishedAt: r.document.plan.phase === 'done' ? r.finishedAt : null,
      subjectRef: r.subjectRef,
      tickets: r.document.plan.tickets.length,
    }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const c of this.#controllers.values()) c.abort(new LetheError('cancelled', 'Lethe is closing; resume the erasure later'));
    await Promise.allSettled([...this.#running.values()]);
  }
}
