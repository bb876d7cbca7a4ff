import { randomBytes } from 'node:crypto';
import {
  ExemptionRules,
  type Difference,
  type ErasurePlan,
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
import { resolveWorkspace, WorkspaceClients } from '../workspaces/workspace-clients';
import { assertSecondPerson, assertStaffName, localAccountName } from './approval';
import { buildOperations } from './build-ops';
import { computePreview, subjectForNewPlan, subjectOfPlan, withDecisions } from './compute-plan';
import { decide, type StoredOverride } from './decide';
import { RUN_KIND, type ErasureDocument } from './document';
import { gatherFacts } from './facts';
import { hmacRef } from './receipt';
import { revalidateFacts } from './revalidate';
import { runErasure } from './run';

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
  /** false: execute prepares the journal and leaves running to `resume` (or another process). */
  autoStart?: boolean;
}

const emptyCounts = (): OpCounts => ({ planned: 0, sent: 0, done: 0, failed: 0, skipped: 0 });

/**
 * Erasure for the contract handlers: plans in the journal store (one run per plan), live
 * revalidation, execution in the background with progress events, resume after a restart.
 */
export class ErasureService {
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #controllers = new Map<string, AbortController>();
  readonly #clients: WorkspaceClients;
  readonly #errors = new Map<string, { code: string; message: string }>();
  #closed = false;

  constructor(
    private readonly s: CoreServices,
    private readonly options: ErasureServiceOptions = {},
  ) {
    // Counted: a run reports how many requests it took.
    this.#clients = new WorkspaceClients(s, options.transport, { countRequests: true });
  }

  resolve(workspaceId: string | undefined): Promise<string> {
    return resolveWorkspace(this.s, workspaceId);
  }

  journal(workspaceId: string): Promise<Journal> {
    return openJournal(this.s, workspaceId);
  }

  async #hmacKey(journal: Journal): Promise<Buffer> {
    const existing = journal.readSetting<string>(HMAC_KEY);
    if (existing) return Buffer.from(existing, 'hex');
    const key = randomBytes(32);
    journal.writeSetting(HMAC_KEY, key.toString('hex'));
    return key;
  }

  async getRules(workspaceId: string): Promise<ExemptionRules> {
    const journal = await this.journal(workspaceId);
    return ExemptionRules.parse(journal.readSetting(RULES_KEY) ?? {});
  }

  /** Every change is an audit entry: switching second-person approval off must leave a trace. */
  async setRules(workspaceId: string, rules: ExemptionRules): Promise<ExemptionRules> {
    const parsed = ExemptionRules.parse(rules);
    assertNoPersonalData(parsed);
    const journal = await this.journal(workspaceId);
    const previous = ExemptionRules.parse(journal.readSetting(RULES_KEY) ?? {});
    journal.writeSetting(RULES_KEY, parsed as never);
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
    input: { subject: string; regulation: Regulation; preparedBy?: string | undefined },
  ): Promise<ErasurePlan> {
    // The preparer is always recorded, so an approval can be checked against it.
    const preparedBy = input.preparedBy ?? localAccountName();
    assertStaffName(preparedBy, 'preparer');
    const cache = await this.s.caches.open(workspaceId);
    const journal = await this.journal(workspaceId);
    const rules = await this.getRules(workspaceId);
    const subject = await subjectForNewPlan(this.s, workspaceId, cache.db, input.subject);
    const { facts, decided, dataAsOf } = computePreview(cache.db, subject, rules, input.regulation);
    if (facts.subject.userIds.length === 0) {
      throw new LetheError('not_found', 'No account with this e-mail is in the cache. Sync, or check the address.');
    }
    const key = await this.#hmacKey(journal);
    const id = uuidv7();
    const plan: ErasurePlan = {
      id,
      workspaceId,
      createdAt: new Date().toISOString(),
      dataAsOf,
      regulation: input.regulation,
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
    await appendAudit(this.s, workspaceId, {
      actor: preparedBy,
      action: 'erasure.planned',
      subject: plan.subject.email,
      data: { runId: id, tickets: plan.counts.tickets, accounts: plan.counts.accounts, regulation: plan.regulation },
    });
    return plan;
  }

  async #doc(workspaceId: string, planId: string): Promise<{ journal: Journal; doc: ErasureDocument }> {
    const journal = await this.journal(workspaceId);
    const run = journal.findRun<ErasureDocument>(planId);
    if (!run || run.kind !== RUN_KIND) throw new LetheError('not_found', 'No such erasure plan in this workspace');
    const doc = run.document;
    // An approval stored before approvals named their fingerprint approves nothing checkable.
    if (doc.plan.approval && typeof doc.plan.approval.fingerprint !== 'string') doc.plan = { ...doc.plan, approval: null };
    return { journal, doc };
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
    const { journal, doc } = await this.#doc(workspaceId, planId);
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
    const cache = await this.s.caches.open(workspaceId);
    const subject = await subjectOfPlan(this.s, workspaceId, cache.db, doc.plan);
    const { decided } = computePreview(cache.db, subject, doc.rules, doc.plan.regulation, doc.overrides);
    // A changed plan is a new plan: what was approved or checked live was the old one.
    const approval = doc.plan.approval;
    doc.plan = { ...withDecisions(doc.plan, decided), approval: null, revalidation: null };
    journal.updateDocument(planId, doc);
    // Which ticket or account is left out: its id identifies the subject's records, the run id suffices.
    await appendAudit(this.s, workspaceId, {
      actor: input.by ?? doc.plan.preparedBy ?? localAccountName(),
      action: 'erasure.overridden',
      data: { runId: planId, target: input.target, from: from ?? null, to: input.decision, fingerprint: doc.plan.fingerprint },
    });
    if (approval)
      await this.#auditVoided(workspaceId, planId, approval.fingerprint, doc.plan.fingerprint, 'overridden', undefined, input.by);
    return doc.plan;
  }

  async approve(workspaceId: string, planId: string, input: { approver: string; note?: string | undefined }): Promise<ErasurePlan> {
    const { journal, doc } = await this.#doc(workspaceId, planId);
    this.#draft(doc);
    assertSecondPerson(input.approver, doc.plan.preparedBy);
    assertNoPersonalData({ approver: input.approver, note: input.note ?? '' });
    doc.plan = {
      ...doc.plan,
      approval: { approver: input.approver, note: input.note ?? '', at: new Date().toISOString(), fingerprint: doc.plan.fingerprint },
    };
    journal.updateDocument(planId, doc);
    await appendAudit(this.s, workspaceId, {
      actor: input.approver,
      action: 'erasure.approved',
      subject: doc.plan.subject.email,
      data: { runId: planId, fingerprint: doc.plan.fingerprint },
    });
    return doc.plan;
  }

  /** Facts from the cache brought up to the live helpdesk, and the decisions they lead to. */
  async #live(workspaceId: string, doc: ErasureDocument, signal?: AbortSignal) {
    const cache = await this.s.caches.open(workspaceId);
    const { client } = await this.#clients.entry(workspaceId);
    const facts = gatherFacts(cache.db, await subjectOfPlan(this.s, workspaceId, cache.db, doc.plan));
    // Accounts the plan was made for stay its accounts, even if the cache lost one since.
    const differences = await revalidateFacts(client, facts, doc.plan, signal);
    const decided = decide(facts, doc.rules, doc.plan.regulation, doc.overrides, Date.now());
    return { facts, differences, decided };
  }

  async revalidate(workspaceId: string, planId: string): Promise<ErasurePlan> {
    const { journal, doc } = await this.#doc(workspaceId, planId);
    this.#draft(doc);
    const { differences, decided } = await this.#live(workspaceId, doc);
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
      ...(voided ? { approval: null } : {}),
      revalidation: { at: new Date().toISOString(), differences: [...differences, ...changed], fingerprint: decided.fingerprint },
    };
    journal.updateDocument(planId, doc);
    if (voided) await this.#auditVoided(workspaceId, planId, approval.fingerprint, decided.fingerprint, 'revalidated', changed.length);
    return doc.plan;
  }

  async #auditVoided(
    workspaceId: string,
    planId: string,
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
      data: { runId: planId, cause, approvedFingerprint, fingerprint, ...(decisionsChanged === undefined ? {} : { decisionsChanged }) },
    });
  }

  // --- runs ----------------------------------------------------------------------------------

  async execute(
    workspaceId: string,
    planId: string,
    confirm: { subject: string; deleteTickets: number; redactTickets: number },
  ): Promise<RunStatus> {
    if (this.#closed) throw new LetheError('conflict', 'Lethe is shutting down');
    const { journal, doc } = await this.#doc(workspaceId, planId);
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
    if (plan.counts.tickets.delete + plan.counts.tickets.redact + plan.counts.accounts.delete === 0) {
      throw new LetheError('conflict', 'This plan deletes and redacts nothing');
    }
    // What runs is exactly what was reviewed: the live state is read again and must give the same plan.
    const { facts, decided } = await this.#live(workspaceId, doc);
    if (decided.fingerprint !== plan.revalidation.fingerprint) {
      throw new LetheError('conflict', 'The helpdesk changed since the plan was checked; revalidate and review the differences');
    }
    // What runs is what was approved: the same fingerprint, read live just now.
    const approvedAsRuns = plan.approval !== null && plan.approval.fingerprint === decided.fingerprint;
    if (approvalRequired && !approvedAsRuns) {
      throw new LetheError('conflict', 'The approval was given for a different version of this plan; it needs approving again');
    }
    const ops = buildOperations(withDecisions(plan, decided), facts);
    journal.db.transaction(() => {
      journal.addOperations(planId, ops);
      doc.plan = { ...withDecisions(plan, decided), phase: 'executing', state: 'running' };
      journal.updateDocument(planId, doc);
      journal.setRunState(planId, 'running');
    })();
    await appendAudit(this.s, workspaceId, {
      actor: officerName((approvedAsRuns ? plan.approval?.approver : undefined) ?? plan.preparedBy),
      action: 'erasure.executed',
      subject: plan.subject.email,
      data: { runId: planId, operations: ops.length, tickets: plan.counts.tickets, differences: plan.revalidation.differences.length },
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
      const cache = await this.s.caches.open(workspaceId);
      const { client, requests } = await this.#clients.entry(workspaceId);
      const doc = await runErasure({
        journal,
        cache: cache.db,
        client,
        runId,
        dataDir: this.s.dataDir,
        workspaceId,
        hmacKey: await this.#hmacKey(journal),
        requestCount: () => requests.n,
        signal: controller.signal,
        ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
        ...(this.options.inFlightGraceMs !== undefined ? { inFlightGraceMs: this.options.inFlightGraceMs } : {}),
        ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
        onProgress: (phase, counts) => emit('running', counts, phase),
      });
      const counts = journal.counts(runId);
      if (doc.plan.phase === 'done') {
        // The subject's e-mail has left the document by now: the audit gets the stored keyed reference.
        // The receipt is the run's: it names whoever started the run, as erasure.executed did.
        await appendAudit(this.s, workspaceId, {
          actor: officerName(doc.plan.approval?.approver ?? doc.plan.preparedBy),
          action: 'erasure.receipt',
          data: { runId, state: doc.plan.state, operations: counts, verified: doc.verification?.ok ?? false, apiCalls: doc.apiCalls },
        });
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
      error: this.#errors.get(runId) ?? null,
    };
  }

  /** Runs a crash or restart left unfinished, from where their journal stands. */
  async resume(workspaceId: string, runId?: string): Promise<RunStatus[]> {
    const journal = await this.journal(workspaceId);
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
      this.#start(workspaceId, run.id);
      out.push(await this.status(workspaceId, run.id));
    }
    return out;
  }

  async listRuns(workspaceId: string) {
    const journal = await this.journal(workspaceId);
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
