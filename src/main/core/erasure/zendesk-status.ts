import type { ZendeskDeletion } from '../../../shared/contract/groups/zendesk-deletion';
import type { ReceiptSurface } from '../../../shared/schemas/surfaces';
import { complianceDeletionStatuses, latestPerApplication, type ZendeskClient } from '../helpdesk';
import { hmacRef } from './receipt';

/**
 * Zendesk's own account of the deletion (compliance_deletion_statuses), read after the run's
 * permanent user deletions. Products finish on their own schedule (Support in minutes, Chat in
 * hours), so the run waits a bounded time, only for Support (the product Lethe deleted in), and
 * records whatever the others say by then; a later re-check (erasure.checkZendeskDeletion) reads
 * them again and updates the receipt. A read that still fails after the transport's retries is
 * recorded as an error beside the last good answer: never as "nothing reported".
 */
export interface ZendeskStatusOptions {
  /** How long the run waits for Support to report complete (default two minutes). */
  waitMs: number;
  /** Between reads (default 5 s). */
  pollMs: number;
}

export const DEFAULT_ZENDESK_STATUS: ZendeskStatusOptions = { waitMs: 120_000, pollMs: 5_000 };

type Account = ZendeskDeletion['accounts'][number];

/** Products complete for every account, and those started but not complete (or missing) for one. */
function tally(accounts: readonly Account[]): { complete: string[]; pending: string[] } {
  const apps = new Set(accounts.flatMap((a) => a.applications.map((x) => x.application)));
  const complete: string[] = [];
  const pending: string[] = [];
  for (const app of [...apps].sort()) {
    const done = accounts.every((a) => a.applications.some((x) => x.application === app && x.status === 'complete'));
    (done ? complete : pending).push(app);
  }
  return { complete, pending };
}

/** One read of every account; an account whose read fails keeps its previous answer and the error is kept. */
export async function readZendeskDeletion(
  client: ZendeskClient,
  userIds: readonly number[],
  key: Buffer,
  previous: ZendeskDeletion | null | undefined,
  options: { signal?: AbortSignal | undefined; now?: () => Date } = {},
): Promise<ZendeskDeletion> {
  const accounts: Account[] = [];
  let error: ZendeskDeletion['error'] = null;
  for (const userId of userIds) {
    const accountRef = hmacRef(key, userId);
    try {
      const rows = await complianceDeletionStatuses(client, userId, { signal: options.signal });
      accounts.push({ accountRef, ...latestPerApplication(rows) });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      const err = e as { code?: unknown; message?: unknown };
      error = {
        code: typeof err.code === 'string' ? err.code : 'helpdesk_error',
        message: typeof err.message === 'string' ? err.message : 'The helpdesk did not answer',
      };
      accounts.push(previous?.accounts.find((a) => a.accountRef === accountRef) ?? { accountRef, requested: false, applications: [] });
    }
  }
  return {
    checkedAt: (options.now ?? (() => new Date()))().toISOString(),
    polls: (previous?.polls ?? 0) + 1,
    accounts,
    ...tally(accounts),
    error,
  };
}

/** Support (the product whose data the run deleted) reports complete for every account. */
export function supportSettled(z: ZendeskDeletion): boolean {
  return z.error === null && z.accounts.every((a) => a.applications.some((x) => x.application === 'support' && x.status === 'complete'));
}

/**
 * Reads until Support is complete or `until` passes, handing each answer to `save` first (the
 * run's document keeps it and the deadline, so a resumed run goes on from there, not from zero).
 */
export async function pollZendeskDeletion(args: {
  client: ZendeskClient;
  userIds: readonly number[];
  key: Buffer;
  previous: ZendeskDeletion | null | undefined;
  until: number;
  pollMs: number;
  save: (z: ZendeskDeletion) => void;
  signal?: AbortSignal | undefined;
}): Promise<ZendeskDeletion> {
  let current = args.previous ?? null;
  for (;;) {
    current = await readZendeskDeletion(args.client, args.userIds, args.key, current, { signal: args.signal });
    args.save(current);
    if (supportSettled(current) || Date.now() + args.pollMs > args.until || args.signal?.aborted) return current;
    await new Promise((r) => setTimeout(r, args.pollMs));
  }
}

/**
 * The receipt's coverage row for Zendesk's own deletion status: searched once read without error,
 * as of the last read, products reported as found and products still pending as left.
 */
export function withComplianceRow<T extends { surface: string }>(
  rows: readonly T[],
  z: ZendeskDeletion | null | undefined,
): Array<T | ReceiptSurface> {
  const row: ReceiptSurface = {
    surface: 'compliance_deletion',
    searched: z != null && z.error === null,
    reason: z == null ? 'not_looked' : z.error === null ? null : 'error',
    asOf: z?.checkedAt ?? null,
    found: z == null || z.error !== null ? null : z.complete.length + z.pending.length,
    byDecision: {},
    leftAfterVerification: z == null || z.error !== null ? null : z.pending.length,
  };
  const at = rows.findIndex((r) => r.surface === 'compliance_deletion');
  return at < 0 ? [...rows, row] : rows.map((r, i) => (i === at ? row : r));
}
