import { z } from 'zod';
import { JobStatus, type JobResultItem, type ZendeskClient } from '../helpdesk';
import { isFailedItem } from '../helpdesk/jobs';
import type { CheckResult, JournalOperation, OperationHandler, Outcome } from '../journal';
import { bulkJobHandler, checkEach, failedOrUnknown, isNotFound, singleOpHandler, statusOf } from '../journal/helpdesk-handlers';

/**
 * The erasure's operation kinds against the Zendesk API, one handler each. Every `check` only
 * reads, so the executor can ask it any number of times before deciding to resend.
 */

export const OP = {
  revokeSessions: 'user.revokeSessions',
  closeTicket: 'ticket.close',
  redactComment: 'comment.redact',
  softDeleteTickets: 'ticket.softDelete',
  purgeTickets: 'ticket.purge',
  softDeleteUser: 'user.softDelete',
  purgeUser: 'user.purge',
} as const;

/** What a comment redaction carries: the texts to remove (personal data, needed to redact and to verify). */
export interface RedactPayload {
  ticketId: number;
  strings: string[];
  attachments: Array<{ id: number; url: string | null }>;
}

export interface ZendeskOpsOptions {
  redactionApi: 'auto' | 'comment_redactions' | 'legacy';
  /** Remote jobs in flight at once (Zendesk queues about 30 per account). */
  maxJobs?: number;
  /** Concurrent single-record requests (redactions, user calls). */
  concurrency?: number;
  /**
   * How long a bulk job sent just before a crash may still be queued at the helpdesk. Within this
   * time a check that still sees its targets waits for the job instead of calling them absent,
   * because a blind resend would run the deletion twice.
   */
  inFlightGraceMs?: number;
  inFlightPollMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

/** The latest moment one of these operations was sent, or 0 when none was. */
const lastSentMs = (ops: readonly JournalOperation[]): number => Math.max(0, ...ops.map((o) => (o.sentAt ? Date.parse(o.sentAt) : 0)));

const BLOCK = '▇';
const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The Agent Workspace body: each text to remove in its own <redact> element. */
export function redactionHtml(strings: readonly string[]): string {
  return strings.map((s) => `<p><redact>${escapeHtml(s)}</redact></p>`).join('');
}

/** One job_statuses/show_many call polls every job of a round (up to 100 ids). */
async function showManyJobs(client: ZendeskClient, ids: readonly string[], signal?: AbortSignal): Promise<JobStatus[]> {
  const out: JobStatus[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const body = await client.transport.parse(
      { method: 'GET', template: '/api/v2/job_statuses/show_many', query: { ids: ids.slice(i, i + 100) }, signal },
      'job_statuses',
      z.looseObject({ job_statuses: z.array(JobStatus) }),
    );
    out.push(...body.job_statuses);
  }
  return out;
}

function jobOutcomes(jobs: ReadonlyMap<string, JournalOperation[]>, statuses: readonly JobStatus[]): Outcome[] {
  const out: Outcome[] = [];
  for (const job of statuses) {
    const ops = jobs.get(job.id);
    if (!ops) continue;
    if (job.status === 'queued' || job.status === 'working') continue;
    if (job.status !== 'completed' || !Array.isArray(job.results)) {
      for (const op of ops) out.push({ opId: op.id, outcome: 'unknown', code: 'job_failed', message: `The job ended ${job.status}` });
      continue;
    }
    const byTarget = new Map<number, JobResultItem>();
    for (const item of job.results) if (typeof item.id === 'number') byTarget.set(item.id, item);
    for (const op of ops) {
      const item = byTarget.get(op.targets[0]!);
      if (!item) out.push({ opId: op.id, outcome: 'unknown', code: 'job_item_missing', message: 'The job did not report this item' });
      else if (isFailedItem(item)) {
        // A failed item may mean "already done" (not found): the check decides, never a blind resend.
        out.push({ opId: op.id, outcome: 'unknown', code: 'job_item_failed', message: String(item.error ?? 'failed').slice(0, 120) });
      } else out.push({ opId: op.id, outcome: 'done', result: { jobId: job.id } });
    }
  }
  // A job the helpdesk no longer knows: its items are settled by a check.
  const known = new Set(statuses.map((s) => s.id));
  for (const [jobId, ops] of jobs) {
    if (!known.has(jobId))
      for (const op of ops) out.push({ opId: op.id, outcome: 'unknown', code: 'job_unknown', message: 'The job is no longer listed' });
  }
  return out;
}

/** Ids of tickets that are soft-deleted (restorable) right now: the whole deleted_tickets listing. */
export async function softDeletedTicketIds(client: ZendeskClient, signal?: AbortSignal): Promise<Set<number>> {
  const ids = new Set<number>();
  for await (const page of client.listDeletedTickets({ signal, pageSize: 100 })) for (const t of page.items) ids.add(t.id);
  return ids;
}

async function liveTicketIds(client: ZendeskClient, ids: readonly number[], signal?: AbortSignal): Promise<Map<number, string>> {
  const live = new Map<number, string>();
  for (const t of await client.showManyTickets(ids, { signal })) live.set(t.id, t.status);
  return live;
}

export function createZendeskHandlers(client: ZendeskClient, options: ZendeskOpsOptions): Record<string, OperationHandler> {
  let legacyOnly = options.redactionApi === 'legacy';
  const concurrency = options.concurrency ?? 4;
  const maxJobs = options.maxJobs ?? 10;
  const inFlightGraceMs = options.inFlightGraceMs ?? 90_000;
  const inFlightPollMs = options.inFlightPollMs ?? 1_000;

  /**
   * Re-reads `pending()` until no target is pending or the grace period since the last send is
   * over: a job queued before a crash gets the time to run, and only then is a target "absent".
   */
  const waitOutInFlightJob = async <T extends { has(id: number): boolean }>(
    ops: readonly JournalOperation[],
    pending: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    let still = await pending();
    const deadline = lastSentMs(ops) + inFlightGraceMs;
    while (ops.some((o) => still.has(o.targets[0]!)) && Date.now() < deadline) {
      await sleep(inFlightPollMs, signal);
      try {
        still = await pending();
      } catch (error) {
        // A rate limit or server error while waiting changes nothing: keep the last answer and
        // keep waiting, rather than leaving the operations unsettled for another resume.
        if (signal?.aborted) throw error;
      }
    }
    return still;
  };

  const jobPoll = async (jobs: ReadonlyMap<string, JournalOperation[]>, signal?: AbortSignal): Promise<Outcome[]> =>
    jobOutcomes(jobs, await showManyJobs(client, [...jobs.keys()], signal));

  const liveOf = (ops: readonly JournalOperation[], signal?: AbortSignal): Promise<Map<number, string>> =>
    liveTicketIds(
      client,
      ops.map((o) => o.targets[0]!),
      signal,
    );

  const softDeleteTickets = bulkJobHandler({
    concurrency: maxJobs,
    submit: (ids, signal) => client.destroyManyTickets(ids, { signal }),
    poll: (jobs, { signal }) => jobPoll(jobs, signal),
    async check(ops, { signal }) {
      const live = await waitOutInFlightJob(ops, () => liveOf(ops, signal), signal);
      // Not live: soft-deleted or already purged; either way the soft delete happened.
      return ops.map((o): CheckResult => (live.has(o.targets[0]!) ? { opId: o.id, state: 'absent' } : { opId: o.id, state: 'done' }));
    },
  });

  const purgeTickets = bulkJobHandler({
    concurrency: maxJobs,
    submit: (ids, signal) => client.destroyManyDeletedTickets(ids, { signal }),
    poll: (jobs, { signal }) => jobPoll(jobs, signal),
    async check(ops, { signal }) {
      const live = await liveOf(ops, signal);
      const soft = await waitOutInFlightJob(ops, () => softDeletedTicketIds(client, signal), signal);
      return ops.map((o): CheckResult => {
        const id = o.targets[0]!;
        if (live.has(id))
          return { opId: o.id, state: 'failed', code: 'ticket_restored', message: 'The ticket is live again (restored upstream)' };
        return soft.has(id) ? { opId: o.id, state: 'absent' } : { opId: o.id, state: 'done' };
      });
    },
  });

  const redactComment: OperationHandler = {
    batchSize: 1,
    concurrency,
    async send([op], { signal }) {
      const p = op!.payload as unknown as RedactPayload;
      const commentId = op!.targets[0]!;
      if (!legacyOnly) {
        try {
          const urls = p.attachments.map((a) => a.url).filter((u): u is string => typeof u === 'string');
          await client.redactComment(
            commentId,
            { ticketId: p.ticketId, htmlBody: redactionHtml(p.strings), ...(urls.length ? { externalAttachmentUrls: urls } : {}) },
            { signal },
          );
          return [{ opId: op!.id, outcome: 'done', result: { api: 'comment_redactions' } }];
        } catch (error) {
          const s = statusOf(error);
          // 403: Agent Workspace is off or the role may not redact; fall back for this and later comments.
          if (s === 403 && options.redactionApi === 'auto') legacyOnly = true;
          else return [failedOrUnknown(op!, error)];
        }
      }
      try {
        for (const text of p.strings) {
          try {
            await client.redactCommentText(p.ticketId, commentId, text, { signal });
          } catch (error) {
            // 400: the text is not (or no longer) there: already redacted by an earlier attempt.
            if (statusOf(error) !== 400) throw error;
          }
        }
        for (const a of p.attachments) await client.redactAttachment(p.ticketId, commentId, a.id, { signal });
        return [{ opId: op!.id, outcome: 'done', result: { api: 'legacy' } }];
      } catch (error) {
        return [failedOrUnknown(op!, error)];
      }
    },
    check: checkEach(async (op, signal) => {
      const p = op.payload as unknown as RedactPayload;
      const verdict = await commentRedacted(client, p.ticketId, op.targets[0]!, p, signal);
      return verdict === 'absent' ? { opId: op.id, state: 'absent' } : { opId: op.id, state: 'done', result: { verified: verdict } };
    }),
  };

  const closeTicket = singleOpHandler({
    concurrency,
    async send(op, signal) {
      await client.updateTicket(op.targets[0]!, { status: 'closed' }, { signal });
      return { opId: op.id, outcome: 'done' };
    },
    async check(ops, { signal }) {
      const live = await liveOf(ops, signal);
      return ops.map((o): CheckResult => {
        const status = live.get(o.targets[0]!);
        return status === undefined || status === 'closed' ? { opId: o.id, state: 'done' } : { opId: o.id, state: 'absent' };
      });
    },
  });

  const revokeSessions = singleOpHandler({
    concurrency,
    async send(op, signal) {
      await client.revokeSessions(op.targets[0]!, { signal });
      return { opId: op.id, outcome: 'done' };
    },
    onError: (op, error) => (isNotFound(error) ? { opId: op.id, outcome: 'done', result: { userGone: true } } : failedOrUnknown(op, error)),
    // Revoking every session of a user has the same effect however often it is done; a session
    // listing that still shows sessions is the only sign it did not happen.
    check: checkEach(async (op, signal) => {
      try {
        const body = await client.transport.parse(
          { method: 'GET', template: '/api/v2/users/{user_id}/sessions', params: { user_id: op.targets[0]! }, signal },
          'sessions',
          z.looseObject({ sessions: z.array(z.unknown()).default([]) }),
        );
        return body.sessions.length === 0 ? { opId: op.id, state: 'done' } : { opId: op.id, state: 'absent' };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        return { opId: op.id, state: 'done', result: { userGone: true } };
      }
    }),
  });

  const userState = async (userId: number, signal?: AbortSignal): Promise<'active' | 'soft_deleted' | 'gone'> => {
    try {
      const user = await client.getUser(userId, { signal });
      return user.active === false ? 'soft_deleted' : 'active';
    } catch (error) {
      if (isNotFound(error)) return 'gone';
      throw error;
    }
  };

  /** A user deletion: one request per user, settled by reading the user's state. */
  const userDeletion = (
    remove: (userId: number, signal?: AbortSignal) => Promise<unknown>,
    verdict: (op: JournalOperation, state: Awaited<ReturnType<typeof userState>>) => CheckResult,
  ): OperationHandler =>
    singleOpHandler({
      concurrency,
      async send(op, signal) {
        await remove(op.targets[0]!, signal);
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) => verdict(op, await userState(op.targets[0]!, signal))),
    });

  const softDeleteUser = userDeletion(
    (id, signal) => client.deleteUser(id, { signal }),
    (op, state) => (state === 'active' ? { opId: op.id, state: 'absent' } : { opId: op.id, state: 'done' }),
  );

  const purgeUser = userDeletion(
    (id, signal) => client.permanentlyDeleteUser(id, { signal }),
    (op, state) => {
      if (state === 'gone') return { opId: op.id, state: 'done' };
      if (state === 'soft_deleted') return { opId: op.id, state: 'absent' };
      return { opId: op.id, state: 'failed', code: 'user_active', message: 'The account is active again; it was not deleted' };
    },
  );

  return {
    [OP.softDeleteTickets]: softDeleteTickets,
    [OP.purgeTickets]: purgeTickets,
    [OP.redactComment]: redactComment,
    [OP.closeTicket]: closeTicket,
    [OP.revokeSessions]: revokeSessions,
    [OP.softDeleteUser]: softDeleteUser,
    [OP.purgeUser]: purgeUser,
  };
}

/**
 * Whether a comment reads redacted: none of the texts remain and every listed attachment is
 * replaced. 'gone' when the ticket or the comment no longer exists (nothing left to redact).
 */
export async function commentRedacted(
  client: ZendeskClient,
  ticketId: number,
  commentId: number,
  p: Pick<RedactPayload, 'strings' | 'attachments'>,
  signal?: AbortSignal,
  cache?: Map<
    number,
    | Map<number, { body: string; attachments: Array<{ id: number; file_name?: string | undefined; size?: number | null | undefined }> }>
    | 'gone'
  >,
): Promise<'redacted' | 'gone' | 'absent'> {
  let comments = cache?.get(ticketId);
  if (comments === undefined) {
    try {
      const map = new Map<number, { body: string; attachments: Array<{ id: number; file_name?: string; size?: number | null }> }>();
      for await (const page of client.listComments(ticketId, { signal })) {
        for (const c of page.items)
          map.set(c.id, { body: `${c.body}\n${c.plain_body ?? ''}\n${c.html_body ?? ''}`, attachments: c.attachments });
      }
      comments = map;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      comments = 'gone';
    }
    cache?.set(ticketId, comments);
  }
  if (comments === 'gone') return 'gone';
  const c = comments.get(commentId);
  if (!c) return 'gone';
  if (p.strings.some((s) => s.length > 0 && c.body.includes(s) && !/^[\s▇]*$/.test(s))) return 'absent';
  for (const a of p.attachments) {
    const now = c.attachments.find((x) => x.id === a.id);
    if (now && now.file_name !== 'redacted.txt' && (now.size ?? 0) > 0) return 'absent';
  }
  return 'redacted';
}

export { BLOCK };
