import type { DecideContext, FoundItem, SurfaceItemDecision } from './types';

/** What a surface that lives only on its ticket says when the ticket is not deleted or kept. */
export interface BlockedWords {
  /** Kept in Zendesk only on its ticket: completes "Deleted with its ticket (Zendesk keeps … only on its ticket)". */
  what: string;
  reasonCode: string;
  /** Why Lethe cannot remove it alone; `onOthersTicket` when the plan has no decision on its ticket. */
  reason(onOthersTicket: boolean): string;
  fix(ticketId: number | null): string;
}

/**
 * The rule for items Zendesk keeps only on a ticket and offers no API to remove on their own
 * (satisfaction ratings, side conversations): they follow the plan's decision on their ticket:
 * deleted with it, kept with its exemption, otherwise blocked with the fix.
 */
export function decideWithTicket(item: FoundItem, ctx: DecideContext, words: BlockedWords): SurfaceItemDecision {
  const ticket = item.ticketId === null ? undefined : ctx.ticketDecision(item.ticketId);
  if (ticket === 'delete')
    return {
      decision: 'delete',
      reasonCode: 'with_ticket',
      reason: `Deleted with its ticket (Zendesk keeps ${words.what} only on its ticket)`,
      legalBasis: null,
      fix: null,
    };
  if (ticket === 'keep')
    return {
      decision: 'keep',
      reasonCode: 'ticket_kept',
      reason: 'Kept with its ticket',
      legalBasis: 'the ticket’s exemption (see the ticket’s decision)',
      fix: null,
    };
  return {
    decision: 'blocked',
    reasonCode: words.reasonCode,
    reason: words.reason(ticket === undefined),
    legalBasis: null,
    fix: words.fix(item.ticketId),
  };
}
