import { z } from 'zod';
import { isoDateTime } from '../../schemas/common';

const count = z.number().int().nonnegative();
const application = z.string().min(1).max(64);

/**
 * What Zendesk itself reports about the deletion of the person's accounts, per product
 * (`compliance_deletion_statuses`), as last read: by the run right after the permanent deletions
 * (a bounded wait), then by each later re-check. No personal data: accounts are keyed hashes.
 */
export const ZendeskDeletion = z
  .object({
    checkedAt: isoDateTime,
    /** Reads made so far (each re-check adds its own). */
    polls: count,
    accounts: z.array(
      z
        .object({
          accountRef: z.string(),
          /** Zendesk has a deletion request for the account (its `request_deletion` row, or any product's row). */
          requested: z.boolean(),
          applications: z.array(z.object({ application, status: z.enum(['started', 'complete']), at: z.string().max(64) }).strict()),
        })
        .strict(),
    ),
    /** Products that report `complete` for every deleted account. */
    complete: z.array(application),
    /** Products that have started but not completed for at least one account. */
    pending: z.array(application),
    /** Why the last read failed after its retries (the statuses above are from the read before). */
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
  })
  .strict();
export type ZendeskDeletion = z.infer<typeof ZendeskDeletion>;

/** The sentence the officer reads: "Zendesk reports deletion complete in: support, guide; still pending: chat". */
export function zendeskDeletionSentence(z: ZendeskDeletion | null | undefined): string {
  if (!z) return 'Zendesk’s own deletion status was not read (no account was permanently deleted)';
  if (z.accounts.length === 0) return 'Zendesk’s own deletion status was not read (no account was permanently deleted)';
  const parts: string[] = [];
  if (z.complete.length > 0) parts.push(`Zendesk reports deletion complete in: ${z.complete.join(', ')}`);
  if (z.pending.length > 0)
    parts.push(`${parts.length > 0 ? 'still pending' : 'Zendesk reports deletion pending'} in: ${z.pending.join(', ')}`);
  if (parts.length === 0)
    parts.push(
      z.accounts.every((a) => a.requested)
        ? 'Zendesk has the deletion request; no product has reported yet'
        : 'Zendesk reports no deletion request',
    );
  let sentence = `${parts.join('; ')} (as of ${z.checkedAt})`;
  if (z.error) sentence += `; the last check failed: ${z.error.message}`;
  return sentence;
}
