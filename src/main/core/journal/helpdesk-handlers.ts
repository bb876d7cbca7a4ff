import { HelpdeskError } from '../helpdesk';
import type { CheckResult, HandlerContext, OperationHandler, Outcome } from './executor';
import type { JournalOperation } from './types';

/**
 * What the erasure's and the actions' operation handlers against the helpdesk share: how a
 * helpdesk error becomes an outcome, and the two shapes of handler (one operation per request,
 * or up to 100 in one remote job).
 */

export const statusOf = (error: unknown): number | undefined => (error instanceof HelpdeskError ? error.status : undefined);
export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;

/** Runs a deletion whose 404 means it already happened (the thing is gone: another officer, a resumed run). */
export async function unlessGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** A 4xx other than 404/408/429 is the helpdesk's final answer; anything else leaves the outcome open. */
const isDefinite = (error: unknown): boolean => {
  const s = statusOf(error);
  return s !== undefined && s >= 400 && s < 500 && s !== 404 && s !== 408 && s !== 429;
};

const fields = (error: unknown): { code: string; message: string } => {
  const e = error as { code?: string; message?: string; details?: Record<string, unknown> };
  const kind = typeof e.details?.errorKind === 'string' ? e.details.errorKind : undefined;
  return { code: kind ?? e.code ?? 'helpdesk_error', message: (e.message ?? 'failed').slice(0, 300) };
};

/** `failed` when the helpdesk's answer is final, else `unknown` (a check settles it). */
export function failedOrUnknown(op: JournalOperation, error: unknown): Outcome {
  if (isDefinite(error)) return { opId: op.id, outcome: 'failed', ...fields(error) };
  return { opId: op.id, outcome: 'unknown', ...fields(error) };
}

type Check = OperationHandler['check'];

/** A check that reads one operation after the other (one request each, never in parallel). */
export function checkEach(read: (op: JournalOperation, signal?: AbortSignal) => Promise<CheckResult>): Check {
  return async (ops, { signal }: HandlerContext) => {
    const out: CheckResult[] = [];
    for (const op of ops) out.push(await read(op, signal));
    return out;
  };
}

/** A handler that sends one operation per request; an error becomes `onError`'s outcome (by default failedOrUnknown). */
export function singleOpHandler(h: {
  concurrency: number;
  send(op: JournalOperation, signal?: AbortSignal): Promise<Outcome>;
  onError?: (op: JournalOperation, error: unknown) => Outcome;
  check: Check;
}): OperationHandler {
  const onError = h.onError ?? failedOrUnknown;
  return {
    batchSize: 1,
    concurrency: h.concurrency,
    async send([op], { signal }) {
      try {
        return [await h.send(op!, signal)];
      } catch (error) {
        return [onError(op!, error)];
      }
    },
    check: h.check,
  };
}

/**
 * A handler whose request starts a remote job for up to 100 targets (Zendesk's destroy_many):
 * every operation of the batch waits on that job, and `poll` settles them.
 */
export function bulkJobHandler(h: {
  concurrency: number;
  submit(targets: number[], signal?: AbortSignal): Promise<{ id: string }>;
  poll: NonNullable<OperationHandler['poll']>;
  check: Check;
}): OperationHandler {
  return {
    batchSize: 100,
    concurrency: h.concurrency,
    async send(ops, { signal }) {
      try {
        const job = await h.submit(
          ops.map((o) => o.targets[0]!),
          signal,
        );
        return ops.map((o) => ({ opId: o.id, outcome: 'job', jobId: job.id }));
      } catch (error) {
        return ops.map((o) => failedOrUnknown(o, error));
      }
    },
    poll: h.poll,
    check: h.check,
  };
}
