import type { TicketDecision } from '../../../../shared/contract/groups/erasure';

export const DECISION_ORDER: readonly TicketDecision[] = ['delete', 'redact', 'keep', 'blocked', 'review'];

export const DECISION_LABELS: Record<TicketDecision, string> = {
  delete: 'Delete ticket',
  redact: 'Redact',
  keep: 'Keep (exempt)',
  blocked: 'Blocked',
  review: 'Review mentions',
};

export const DECISION_HELP: Record<TicketDecision, string> = {
  delete: 'The subject is the only end user: the ticket is deleted, then deleted permanently.',
  redact: "Shared with other people: the subject's comments, attachments and mentions are redacted, the rest stays.",
  keep: 'An exemption applies; its legal basis is shown.',
  blocked: 'Something prevents the action; the fix Lethe offers is shown.',
  review: "Another person's ticket mentions the subject: decide whether to redact.",
};

export const ROLE_LABELS: Record<string, string> = {
  requester: 'requester',
  submitter: 'submitter',
  assignee: 'assignee',
  cc: 'CC',
  follower: 'follower',
  commenter: 'commenter',
};

export function byRole(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([role, n]) => `${n} ${ROLE_LABELS[role] ?? role}`);
  return parts.length ? parts.join(', ') : 'nobody else';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatInstant(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString();
}
