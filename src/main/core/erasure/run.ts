import type { SqliteDb } from '../db';
import type { ZendeskClient } from '../helpdesk';
import { executeRun, type Journal, type OpCounts, type OperationHandler } from '../journal';
import type { ErasureDocument } from './document';
import { forgetInCache } from './forget';
import { buildReceipt, saveReceipt } from './receipt';
import { scanResidue } from './residue';
import { verifyRun } from './verify';
import { createZendeskHandlers, OP } from './zendesk-ops';
import { DEFAULT_ZENDESK_STATUS, pollZendeskDeletion, type ZendeskStatusOptions } from './zendesk-status';
import { surfaceHandlers, verifySurfaces } from './surfaces-run';
import { forgetLooks } from '../surfaces';
import { forgetInIndex } from '../surfaces/side-conversation-index';

const TRANSIENT = new Set(['helpdesk_rate_limited', 'helpdesk_unreachable', 'helpdesk_error']);

/**
 * Reads (verification) are repeated over a storm of 429s or 5xx the transport gave up on; each
 * attempt starts over, which is harmless because it only reads.
 */
async function transientRetries<T>(read: () => Promise<T>, signal?: AbortSignal, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const status = (error as { status?: number }).status;
      const transient = TRANSIENT.has(code) && (code !== 'helpdesk_error' || (status !== undefined && status >= 500));
      if (!transient || i >= attempts || signal?.aborted) throw error;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 200 * 2 ** i)));
    }
  }
}

export interface RunErasureDeps {
  journal: Journal;
  /** The workspace's cache connection (for forgetting and the residue scan). */
  cache: SqliteDb;
  client: ZendeskClient;
  runId: string;
  dataDir: string;
  workspaceId: string;
  /** The workspace's erasure key, for the receipt's hashed identifiers. */
  hmacKey: Buffer;
  /** Requests sent so far by `client` (its onRequest counter), for the receipt and the benchmark. */
  requestCount: () => number;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  inFlightGraceMs?: number;
  maxAttempts?: number;
  /** The bounded wait for Zendesk's own deletion status after the permanent deletions. */
  zendeskStatus?: ZendeskStatusOptions;
  onProgress?: (phase: ErasureDocument['plan']['phase'], counts: OpCounts) => void;
  /** Awaited before each request that changes the helpdesk (team mode: the journal is shared first). */
  beforeSend?: () => Promise<void>;
}

/**
 * Runs an erasure from wherever its journal says it stands: executing (the operations, resumed
 * from the journal), verifying, forgetting, receipt. Each phase is recorded in the run's document
 * before the next starts, and each is safe to repeat, so a crash anywhere resumes here.
 * Returns the final document.
 */
export async function runErasure(deps: RunErasureDeps): Promise<ErasureDocument> {
  const { journal, runId } = deps;
  const load = (): ErasureDocument => journal.getRun<ErasureDocument>(runId).document;
  const save = (doc: ErasureDocument): void => journal.updateDocument(runId, doc);
  let doc = load();
  const startCalls = deps.requestCount();
  const baseCalls = doc.apiCalls;
  const track = (): void => {
    doc.apiCalls = baseCalls + (deps.requestCount() - startCalls);
  };
  const progress = (): void => deps.onProgress?.(doc.plan.phase, journal.counts(runId));

  if (doc.plan.phase === 'executing') {
    journal.setRunState(runId, 'running');
    // A resumed run is running again, in its document too (what erasure.status reports).
    if (doc.plan.state !== 'running') {
      doc.plan.state = 'running';
      save(doc);
    }
    const handlers = withBeforeSend(
      {
        ...surfaceHandlers(deps.client),
        ...createZendeskHandlers(deps.client, {
          redactionApi: doc.rules.redactionApi,
          ...(deps.inFlightGraceMs !== undefined
            ? { inFlightGraceMs: deps.inFlightGraceMs, inFlightPollMs: Math.min(1_000, Math.max(20, deps.inFlightGraceMs / 20)) }
            : {}),
        }),
      },
      deps.beforeSend,
    );
    const result = await executeRun({
      journal,
      runId,
      handlers,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.pollIntervalMs !== undefined ? { pollIntervalMs: deps.pollIntervalMs } : {}),
      ...(deps.maxAttempts !== undefined ? { maxAttempts: deps.maxAttempts } : {}),
      onProgress: (counts) => deps.onProgress?.('executing', counts),
    });
    doc = load();
    track();
    if (result.counts.sent > 0 || result.counts.planned > 0) {
      // Outcomes the helpdesk would not confirm: stop before verifying; a resume asks again. The
      // document says so too, or erasure.status would go on reporting a run that no longer runs.
      doc.plan.state = 'needs_attention';
      save(doc);
      journal.setRunState(runId, 'needs_attention');
      progress();
      return doc;
    }
    doc.plan.phase = 'verifying';
    save(doc);
    progress();
  }

  if (doc.plan.phase === 'verifying') {
    if (!doc.verification) {
      const v = await transientRetries(() => verifyRun(deps.client, journal, runId, deps.signal), deps.signal);
      doc.surfaceResidue = await transientRetries(() => verifySurfaces(deps.client, journal, runId, doc.plan, deps.signal), deps.signal);
      track();
      const surfacesClean = Object.values(doc.surfaceResidue).every((n) => n === 0);
      doc.verification = { ...v, ok: v.ok && surfacesClean, apiCalls: doc.apiCalls - baseCalls };
      save(doc);
    }
    // Zendesk's own word on the accounts it now reports gone (a resumed run keeps its deadline).
    const stillThere = new Set(doc.verification.usersStillPresent);
    const purged = journal
      .operations(runId, ['done'])
      .filter((o) => o.kind === OP.purgeUser)
      .map((o) => o.targets[0]!)
      .filter((id) => !stillThere.has(id));
    if (purged.length > 0) {
      const wait = deps.zendeskStatus ?? DEFAULT_ZENDESK_STATUS;
      if (doc.zendeskDeletionUntil == null) {
        doc.zendeskDeletionUntil = Date.now() + wait.waitMs;
        save(doc);
      }
      await pollZendeskDeletion({
        client: deps.client,
        userIds: purged,
        key: deps.hmacKey,
        previous: doc.zendeskDeletion,
        until: doc.zendeskDeletionUntil,
        pollMs: wait.pollMs,
        signal: deps.signal,
        save: (z) => {
          doc.zendeskDeletion = z;
          track();
          save(doc);
        },
      });
    }
    track();
    doc.plan.phase = 'forgetting';
    save(doc);
    progress();
  }

  if (doc.plan.phase === 'forgetting') {
    const v = doc.verification;
    doc.forgotten = await forgetInCache(deps.cache, journal, runId, {
      stillPresentTickets: v?.ticketsStillPresent ?? [],
      stillPresentUsers: v?.usersStillPresent ?? [],
      notRedacted: v?.commentsNotRedacted ?? [],
    });
    // The surfaces' last looks held the person's items: what remains is re-read by the next look.
    forgetLooks(deps.cache, doc.plan.subject.userIds);
    forgetInIndex(deps.cache, doc.plan.subject.emails, doc.plan.subject.userIds);
    const kept = new Set(doc.plan.tickets.filter((t) => t.decision !== 'delete' && t.decision !== 'redact').map((t) => t.ticketId));
    doc.residue = scanResidue(deps.cache, doc.plan.subject.emails, doc.plan.subject.phones, kept);
    doc.plan.phase = 'receipt';
    save(doc);
    progress();
  }

  if (doc.plan.phase === 'receipt') {
    track();
    const finished = new Date();
    const receipt = buildReceipt(doc, journal, runId, deps.hmacKey, finished);
    doc.receipt = await saveReceipt(deps.dataDir, deps.workspaceId, receipt);
    const counts = journal.counts(runId);
    const clean = counts.failed === 0 && counts.skipped === 0 && (doc.verification?.ok ?? false);
    // The run is over: the texts and identifiers it needed leave the journal, only refs stay.
    doc.plan.subject = { ...doc.plan.subject, email: '', emails: [], phones: [] };
    // The mentions' words and names too: other people's texts quoting the subject.
    doc.plan.mentions = [];
    // And what each surface item was (a rating's comment, a message's subject): its id and decision stay.
    doc.plan.surfaceItems = (doc.plan.surfaceItems ?? []).map(({ label: _label, ...item }) => item);
    doc.plan.phase = 'done';
    doc.plan.state = clean ? 'completed' : 'needs_attention';
    journal.db.transaction(() => {
      journal.scrubPayloads(runId);
      save(doc);
      journal.setRunState(runId, doc.plan.state);
    })();
    progress();
  }
  return doc;
}

/** The executor marks operations `sent` before it calls `send`: waiting here shares that mark first. */
function withBeforeSend(handlers: Record<string, OperationHandler>, before?: () => Promise<void>): Record<string, OperationHandler> {
  if (!before) return handlers;
  return Object.fromEntries(
    Object.entries(handlers).map(([kind, h]) => [
      kind,
      {
        ...h,
        send: async (ops, ctx) => {
          await before();
          return h.send(ops, ctx);
        },
      } satisfies OperationHandler,
    ]),
  );
}
