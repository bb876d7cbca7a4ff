import type { Verification } from '../../../shared/contract/groups/erasure';
import { HelpdeskError, type ZendeskClient } from '../helpdesk';
import type { Journal } from '../journal';
import { commentRedacted, OP, softDeletedTicketIds, type RedactPayload } from './zendesk-ops';

/**
 * Reads the helpdesk back after a run: every permanently deleted ticket is neither live (show_many,
 * 100 a call) nor restorable (one pass over deleted_tickets), every deleted account answers 404,
 * every redacted comment no longer holds its texts (one comments listing per ticket). Counting
 * calls is the caller's business (the client's onRequest).
 */
export async function verifyRun(
  client: ZendeskClient,
  journal: Journal,
  runId: string,
  signal?: AbortSignal,
  now: () => Date = () => new Date(),
): Promise<Omit<Verification, 'apiCalls'>> {
  const ops = journal.operations(runId, ['done']);
  const purgedTickets = ops.filter((o) => o.kind === OP.purgeTickets).map((o) => o.targets[0]!);
  const purgedUsers = ops.filter((o) => o.kind === OP.purgeUser).map((o) => o.targets[0]!);
  const redactions = ops.filter((o) => o.kind === OP.redactComment);

  const ticketsStillPresent: number[] = [];
  if (purgedTickets.length > 0) {
    const live = new Set((await client.showManyTickets(purgedTickets, { signal })).map((t) => t.id));
    const soft = await softDeletedTicketIds(client, signal);
    for (const id of purgedTickets) if (live.has(id) || soft.has(id)) ticketsStillPresent.push(id);
  }

  const usersStillPresent: number[] = [];
  for (const id of purgedUsers) {
    try {
      await client.getUser(id, { signal });
      usersStillPresent.push(id);
    } catch (error) {
      if (!(error instanceof HelpdeskError && error.status === 404)) throw error;
    }
  }

  const commentsNotRedacted: number[] = [];
  const listings = new Map();
  let commentsRedacted = 0;
  for (const op of redactions) {
    const p = op.payload as unknown as RedactPayload | null;
    if (!p) continue;
    const verdict = await commentRedacted(client, p.ticketId, op.targets[0]!, p, signal, listings);
    if (verdict === 'absent') commentsNotRedacted.push(op.targets[0]!);
    else commentsRedacted++;
  }
  return {
    at: now().toISOString(),
    ticketsGone: purgedTickets.length - ticketsStillPresent.length,
    ticketsStillPresent,
    usersGone: purgedUsers.length - usersStillPresent.length,
    usersStillPresent,
    commentsRedacted,
    commentsNotRedacted,
    ok: ticketsStillPresent.length === 0 && usersStillPresent.length === 0 && commentsNotRedacted.length === 0,
  };
}
