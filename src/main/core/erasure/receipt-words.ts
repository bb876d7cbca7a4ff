import type { Receipt } from '../../../shared/contract/groups/erasure';

/**
 * The receipt's words (#19 item 8): the JSON keeps its stable field names for machines, the HTML a
 * regulator reads says what each one means. An unknown key (a newer receipt read by older code)
 * falls back to its name rather than disappearing.
 */

export const REGULATION_NAMES: Record<Receipt['regulation'], string> = {
  gdpr: 'GDPR (EU)',
  uk_gdpr: 'UK GDPR',
  ccpa: 'CCPA/CPRA (California)',
  lgpd: 'LGPD (Brazil)',
};

export const COUNT_WORDS: Record<string, string> = {
  ticketsDeleted: 'Tickets deleted',
  ticketsRedacted: 'Tickets with comments redacted',
  commentsRedacted: 'Comments redacted',
  ticketsKept: 'Tickets kept under an exemption',
  ticketsBlocked: 'Tickets blocked',
  ticketsLeftForReview: 'Tickets left for review',
  mentionsLeftForReview: 'Mentions in other people’s tickets kept after review',
  namesRedacted: 'Names redacted beside a quoted address',
  accountsDeleted: 'Accounts deleted',
  accountsBlocked: 'Accounts blocked',
  sessionsRevoked: 'Sign-in sessions revoked',
  operationsFailed: 'Operations failed',
  operationsSkipped: 'Operations skipped',
  apiCalls: 'Helpdesk API calls',
};

export const VERIFICATION_WORDS: Record<string, string> = {
  at: 'Checked at',
  ticketsGone: 'Tickets confirmed gone',
  ticketsStillPresent: 'Tickets still present',
  usersGone: 'Accounts confirmed gone',
  usersStillPresent: 'Accounts still present',
  commentsRedacted: 'Comments confirmed redacted',
  commentsNotRedacted: 'Comments not redacted',
  apiCalls: 'Helpdesk API calls to verify',
  ok: 'Outcome',
};

export const RESIDUE_WORDS: Record<string, string> = {
  keptTickets: 'In tickets kept on purpose',
  otherComments: "In other people's comments",
  otherProfiles: "In other people's profiles",
  total: 'Total',
};

export const OPERATION_WORDS: Record<string, string> = {
  'comment.redact': 'Redact a comment',
  'ticket.close': 'Close a ticket',
  'ticket.softDelete': 'Delete a ticket',
  'ticket.purge': 'Delete a ticket permanently',
  'user.revokeSessions': 'Sign the account out everywhere',
  'user.softDelete': 'Delete an account',
  'user.purge': 'Delete an account permanently',
};

export const STATE_WORDS: Record<string, string> = {
  planned: 'not sent',
  sent: 'sent, not confirmed',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

export const REASON_WORDS: Record<string, string> = {
  staff_account: 'a staff account (agents and administrators are not erased)',
  requester_of_open_tickets: 'still the requester of open tickets',
  soft_deleted_upstream: 'already deleted in the helpdesk',
  closed_needs_comment_redactions: 'a closed ticket whose comments need redacting',
  shared: "shared with other people's content",
  shared_no_content: 'shared with other people',
  mentioned_only: 'mentions the person only',
};

export const GROUND_WORDS: Record<string, string> = {
  legal_claims: 'Legal claims',
  legal_obligation: 'Legal obligation',
};

export const TARGET_WORDS: Record<string, string> = { ticket: 'Ticket', account: 'Account', name: 'Name beside a quoted address' };

export function wordFor(words: Record<string, string>, key: string): string {
  return words[key] ?? key;
}

/** A verification or residue value in words: yes/no for flags, the rest as is. */
export function valueInWords(key: string, value: unknown): string {
  if (key === 'ok') return value ? 'verified: everything planned is gone or redacted' : 'not verified: see the counts above';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
