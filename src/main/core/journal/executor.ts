import type { Journal } from './journal';
import type { Json, JournalOperation, OpCounts } from './types';

/**
 * What a handler learned about one operation.
 * - done / failed: final (failed with `retryable` goes back to planned while attempts remain,
 *   but only after `check` has confirmed the effect is absent).
 * - job: the request was accepted as a remote background job; poll it.
 * - unknown: the answer does not say whether the effect happened (timeout, 5xx, a job that
 *   failed as a whole): the executor asks `check` before anything is resent.
 */
export type Outcome =
  | { opId: string; outcome: 'done'; result?: Json }
  | { opId: string; outcome: 'failed'; code: string; message: string; retryable?: boolean }
  | { opId: string; outcome: 'job'; jobId: string }
  | { opId: string; outcome: 'unknown'; code?: string; message?: string };

/** The answer of `check`: is the effect already there? */
export type CheckResult =
  | { opId: string; state: 'done'; result?: Json }
  | { opId: string; state: 'absent' }
  | { opId: string; state: 'failed'; code: string; message: string };

export interface HandlerContext {
  signal?: AbortSignal | undefined;
}

/** Performs one kind of operation. Handlers are per kind, so any domain can reuse the executor. */
export interface OperationHandler {
  /** How many operations one request may carry (100 for Zendesk's destroy_many, 1 otherwise). */
  batchSize: number;
  /** Requests of this kind in flight at once (jobs count as in flight until they settle). */
  concurrency?: number;
  send(ops: JournalOperation[], ctx: HandlerContext): Promise<Outcome[]>;
  /** Remote jobs, each with the operations it carries; returns outcomes of the settled ones only. */
  poll?(jobs: ReadonlyMap<string, JournalOperation[]>, ctx: HandlerContext): Promise<Outcome[]>;
  /** Whether the effect of operations whose fate is unknown is already there. Never changes anything. */
  check(ops: JournalOperation[], ctx: HandlerContext): Promise<CheckResult[]>;
}

export interface ExecuteOptions {
  journal: Journal;
  runId: string;
  handlers: Readonly<Record<string, OperationHandler>>;
  signal?: AbortSignal;
  /** Sends per operation, the first included. */
  maxAttempts?: number;
  /** Waits between job polls; the executor polls every pending job of a stage in one round. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Give up waiting for remote jobs after this long; their operations stay `sent` for a resume. */
  jobTimeoutMs?: number;
  onProgress?: (counts: OpCounts) => void;
}

export interface ExecuteResult {
  counts: OpCounts;
  /** True when every operation ended done or skipped. */
  complete: boolean;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

function errorFields(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : 'internal_error',
    message: typeof e?.message === 'string' ? e.message.slice(0, 300) : 'failed',
  };
}

/**
 * Runs (or resumes) a run's operations from the journal until each one is done, failed or
 * skipped. The order of effects:
 *   1. every operation left `sent` by an earlier process is settled first: its job is polled, or
 *      `check` asks the API whether the effect happened; only an effect confirmed absent is planned again;
 *   2. stages run in order; an operation starts when all it depends on are done, and is skipped
 *      when one of them failed or was skipped;
 *   3. before a request goes out its operations are marked `sent` in a committed transaction, so a
 *      crash at any point leaves either `planned` (nothing was sent) or `sent` (step 1 settles it).
 */
export async function executeRun(options: ExecuteOptions): Promise<ExecuteResult> {
  const { journal, runId, handlers, signal } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  const ctx: HandlerContext = { signal };
  const progress = (): void => options.onProgress?.(journal.counts(runId));
  let unsettled = 0;
  const jobDeadlineMs = options.jobTimeoutMs ?? 30 * 60_000;

  const handlerOf = (kind: string): OperationHandler => {
    const h = handlers[kind];
    if (!h) throw new Error(`No handler for operation kind ${kind}`);
    return h;
  };

  const requeueOrFail = (op: JournalOperation, code: string, message: string): void => {
    if (op.attempts < maxAttempts) journal.transition([op.id], 'planned');
    else journal.transition([op.id], 'failed', { error: { code, message } });
  };

  /** Settles operations whose fate is unknown by asking the API, never by resending. */
  const settleUnknown = async (ops: JournalOperation[], reason: { code: string; message: string }): Promise<void> => {
    const byKind = groupBy(ops, (o) => o.kind);
    for (const [kind, group] of byKind) {
      const handler = handlerOf(kind);
      for (const batch of chunk(group, Math.max(1, handler.batchSize))) {
        let results: CheckResult[];
        try {
          results = await handler.check(batch, ctx);
        } catch (error) {
          if (signal?.aborted) throw error;
          // Cannot tell: leave them `sent` (the next resume asks again) and never resend blind.
          unsettled += batch.length;
          continue;
        }
        const byId = new Map(results.map((r) => [r.opId, r]));
        for (const op of batch) {
          const r = byId.get(op.id);
          const current = journal.operation(op.id);
          if (!r) {
            journal.transition([op.id], 'failed', { error: { code: 'internal_error', message: 'The check gave no answer' } });
          } else if (r.state === 'done') {
            journal.transition([op.id], 'done', r.result === undefined ? {} : { result: r.result });
          } else if (r.state === 'failed') {
            journal.transition([op.id], 'failed', { error: { code: r.code, message: r.message } });
          } else {
            requeueOrFail(current, reason.code, reason.message);
          }
        }
      }
    }
    progress();
  };

  const apply = async (outcomes: Outcome[], jobs: Map<string, JournalOperation[]>): Promise<void> => {
    const unknown: JournalOperation[] = [];
    let reason = { code: 'unknown', message: 'The outcome was not clear' };
    for (const o of outcomes) {
      const op = journal.operation(o.opId);
      if (op.state !== 'sent') continue;
      switch (o.outcome) {
        case 'done':
          journal.transition([op.id], 'done', o.result === undefined ? {} : { result: o.result });
          break;
        case 'failed':
          if (o.retryable) {
            unknown.push(op);
            reason = { code: o.code, message: o.message };
          } else journal.transition([op.id], 'failed', { error: { code: o.code, message: o.message } });
          break;
        case 'job': {
          journal.setJobId([op.id], o.jobId);
          const list = jobs.get(o.jobId) ?? [];
          list.push(journal.operation(op.id));
          jobs.set(o.jobId, list);
          break;
        }
        case 'unknown':
          unknown.push(op);
          if (o.code) reason = { code: o.code, message: o.message ?? reason.message };
          break;
      }
    }
    progress();
    if (unknown.length > 0) await settleUnknown(unknown, reason);
  };

  const pollJobs = async (jobs: Map<string, JournalOperation[]>): Promise<void> => {
    let interval = options.pollIntervalMs ?? 500;
    const maxInterval = options.maxPollIntervalMs ?? 10_000;
    const started = Date.now();
    while (jobs.size > 0) {
      if (Date.now() - started > jobDeadlineMs) {
        unsettled += [...jobs.values()].flat().length;
        return;
      }
      await sleep(interval, signal);
      interval = Math.min(maxInterval, interval * 2);
      const byKind = new Map<string, Map<string, JournalOperation[]>>();
      for (const [jobId, ops] of jobs) {
        const kind = ops[0]!.kind;
        const m = byKind.get(kind) ?? new Map<string, JournalOperation[]>();
        m.set(jobId, ops);
        byKind.set(kind, m);
      }
      for (const [kind, kindJobs] of byKind) {
        const handler = handlerOf(kind);
        let outcomes: Outcome[];
        try {
          outcomes = handler.poll
            ? await handler.poll(kindJobs, ctx)
            : [...kindJobs.values()].flat().map((op) => ({ opId: op.id, outcome: 'unknown' as const }));
        } catch (error) {
          if (signal?.aborted) throw error;
          // A failed poll changes nothing remote: try again next round (the transport already retried).
          continue;
        }
        const settled = new Set(outcomes.map((o) => o.opId));
        for (const [jobId, ops] of kindJobs) if (ops.every((op) => settled.has(op.id))) jobs.delete(jobId);
        const next = new Map<string, JournalOperation[]>();
        await apply(
          outcomes.filter((o) => o.outcome !== 'job'),
          next,
        );
      }
    }
  };

  // 1. settle what an earlier process left in flight
  const inFlight = journal.operations(runId, ['sent']);
  if (inFlight.length > 0) {
    const jobs = new Map<string, JournalOperation[]>();
    const blind: JournalOperation[] = [];
    for (const op of inFlight) {
      if (op.remoteJobId && handlerOf(op.kind).poll) {
        const list = jobs.get(op.remoteJobId) ?? [];
        list.push(op);
        jobs.set(op.remoteJobId, list);
      } else blind.push(op);
    }
    if (blind.length > 0) await settleUnknown(blind, { code: 'interrupted', message: 'The run stopped before the answer was recorded' });
    await pollJobs(jobs);
  }

  // 2. stages in order, repeated until nothing is runnable (retries re-plan operations)
  for (;;) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const all = journal.operations(runId);
    const byId = new Map(all.map((o) => [o.id, o]));
    const toSkip = all.filter(
      (o) => o.state === 'planned' && o.dependsOn.some((d) => ['failed', 'skipped'].includes(byId.get(d)?.state ?? 'failed')),
    );
    if (toSkip.length > 0) {
      for (const op of toSkip) {
        journal.transition([op.id], 'skipped', {
          error: { code: 'dependency_failed', message: 'An operation it depends on did not succeed' },
        });
      }
      continue;
    }
    const planned = all.filter((o) => o.state === 'planned');
    if (planned.length === 0) break;
    const stage = Math.min(...planned.map((o) => o.stage));
    const ready = planned.filter((o) => o.stage === stage && o.dependsOn.every((d) => byId.get(d)?.state === 'done'));
    if (ready.length === 0 && planned.some((o) => o.dependsOn.some((d) => byId.get(d)?.state === 'sent'))) {
      // Waiting on operations whose outcome could not be confirmed: stop here, a resume settles them.
      break;
    }
    if (ready.length === 0) {
      // Dependencies in a later stage than their dependants: a plan-building error, not a remote one.
      for (const op of planned.filter((o) => o.stage === stage)) {
        journal.transition([op.id], 'skipped', { error: { code: 'dependency_failed', message: 'Its dependencies cannot run first' } });
      }
      continue;
    }
    const jobs = new Map<string, JournalOperation[]>();
    for (const [kind, group] of groupBy(ready, (o) => o.kind)) {
      const handler = handlerOf(kind);
      const batches = chunk(group, Math.max(1, handler.batchSize));
      await pool(batches, Math.max(1, handler.concurrency ?? 1), async (batch) => {
        if (signal?.aborted) return;
        journal.transition(
          batch.map((o) => o.id),
          'sent',
        );
        const sent = batch.map((o) => journal.operation(o.id));
        let outcomes: Outcome[];
        try {
          outcomes = await handler.send(sent, ctx);
        } catch (error) {
          if (signal?.aborted) throw error;
          const e = errorFields(error);
          outcomes = sent.map((op) => ({ opId: op.id, outcome: 'unknown' as const, code: e.code, message: e.message }));
        }
        await apply(outcomes, jobs);
      });
    }
    await pollJobs(jobs);
  }

  const counts = journal.counts(runId);
  options.onProgress?.(counts);
  void unsettled;
  return { counts, complete: counts.planned === 0 && counts.sent === 0 && counts.failed === 0 };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await run(item);
    }
  });
  await Promise.all(workers);
}
