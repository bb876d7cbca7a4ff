/**
 * The audit trail in words, for the Audit page and the request timeline. An officer reading the
 * trail (or a regulator reading over their shoulder) should never have to decode `actions.object`
 * or a JSON object. Every action the core appends has a label here; audit-words.test.ts scans the
 * core's sources and fails when one is missing.
 */

export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  // The register of requests
  'request.created': 'Request recorded',
  'request.updated': 'Request updated',
  'request.verified': 'Identity verified',
  'request.status_changed': 'Status changed',
  'request.completed': 'Request completed',
  'request.denied': 'Request denied',
  'request.withdrawn': 'Request withdrawn',
  'request.reopened': 'Request reopened',
  'request.extended': 'Deadline extended',
  'request.linked': 'Work attached to the request',
  'request.contact_purged': 'Contact details purged (retention)',
  'request.deleted_by_retention': 'Request record deleted (retention)',
  'register.imported': 'Register imported from CSV',
  'register.exported': 'Register exported',
  'letter.generated': 'Letter produced',
  'settings.changed': 'Settings changed',
  // Archives
  'archive.exported': 'Archive exported',
  // Erasure
  'erasure.rules_changed': 'Erasure rules changed',
  'erasure.planned': 'Erasure planned',
  'erasure.prepared': 'Erasure plan shared for approval',
  'erasure.overridden': 'Erasure decision overridden',
  'erasure.approved': 'Erasure approved',
  'erasure.approval_voided': 'Erasure approval voided (the plan changed)',
  'erasure.claimed': 'Erasure run claimed',
  'erasure.executed': 'Erasure started',
  'erasure.receipt': 'Erasure finished (receipt written)',
  // Actions on the person
  'actions.settings_changed': 'Action settings changed',
  'actions.restrict': 'Processing restricted',
  'actions.restrict.queued': 'Restriction queued (helpdesk unreachable)',
  'actions.lift_restriction': 'Restriction lifted',
  'actions.lift_restriction.queued': 'Lifting of restriction queued (helpdesk unreachable)',
  'actions.object': 'Objection recorded',
  'actions.object.queued': 'Objection queued (helpdesk unreachable)',
  'actions.rectify': 'Data rectified',
  'actions.rectify.queued': 'Rectification queued (helpdesk unreachable)',
  'actions.recipient_notified': 'Recipient notification recorded',
  // Identity links
  'subjects.link_confirmed': 'Accounts confirmed as one person',
  'subjects.link_rejected': 'Accounts marked as different people',
  'subjects.link_undone': 'Identity decision undone',
  // The trail itself, backups, team
  'audit.exported': 'Audit trail exported',
  'backup.created': 'Backup created',
  'backup.restored': 'Backup restored',
  'backup.keys_recovered': 'Keys recovered from the recovery key',
  'recovery_key.created': 'Recovery key created',
  'recovery_key.shown': 'Recovery key shown',
  'team.migrated': 'Local records moved to the team database',
};

/** The words for an action; an unknown one (written by a newer version) is shown as it is stored. */
export function auditActionWords(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

const FACT_LABELS: Readonly<Record<string, string>> = {
  runId: 'Run',
  actionId: 'Action',
  exportId: 'Archive',
  kind: 'Kind',
  regulation: 'Regulation',
  tickets: 'Tickets',
  accounts: 'Accounts',
  operations: 'Operations',
  differences: 'Differences found',
  fingerprint: 'Plan fingerprint',
  approvedFingerprint: 'Approved fingerprint',
  cause: 'Cause',
  decisionsChanged: 'Decisions changed',
  target: 'Target',
  from: 'From',
  to: 'To',
  state: 'State',
  verified: 'Verified',
  apiCalls: 'Helpdesk calls',
  outcome: 'Outcome',
  objection: 'Objection',
  fields: 'Fields',
  emailChange: 'E-mail changed',
  errorCode: 'Error',
  subjectInformed: 'Person informed',
  article: 'Article',
  recipients: 'Recipients',
  recipientsNotified: 'Recipients notified',
  notified: 'Notified',
  reason: 'Reason',
  restrictionTag: 'Restriction tag',
  marketingTags: 'Marketing tags',
  processingTags: 'Processing tags',
  changed: 'Changed',
  requireApproval: 'Second-person approval',
  previousRequireApproval: 'Approval before',
  retentionDays: 'Retention (days)',
  redactionApi: 'Redaction API',
  tagRules: 'Tag rules',
  fieldRules: 'Field rules',
  method: 'Method',
  dataPointsMatched: 'Data points matched',
  verifiedAt: 'Verified at',
  reverified: 'Verified again',
  closedAt: 'Closed at',
  reasonRecorded: 'Reason recorded',
  owner: 'Owner',
  subjectId: 'Helpdesk user',
  bulk: 'Bulk change',
  rows: 'Rows',
  format: 'Format',
  sha256: 'SHA-256',
  files: 'Files',
  encrypted: 'Encrypted',
  size: 'Size (bytes)',
  regulationSource: 'Regulation from',
  request: 'Request',
  planned: 'Planned',
  sent: 'Sent',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  delete: 'Delete',
  redact: 'Redact',
  keep: 'Keep',
};

function humanKey(key: string): string {
  const label = FACT_LABELS[key];
  if (label) return label;
  const spaced = key
    .replace(/[_.]/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function humanValue(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(humanValue).join(', ');
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== 0)
      .map(([k, v]) => `${humanKey(k).toLowerCase()} ${humanValue(v)}`);
    return parts.length === 0 ? 'none' : parts.join(', ');
  }
  if (typeof value === 'string' && /^[0-9a-f]{40,}$/.test(value)) return `${value.slice(0, 12)}…`;
  return String(value);
}

/** An entry's facts as labelled phrases ("Tickets: delete 2, redact 1"); the raw data stays in the export. */
export function auditFactsInWords(data: Record<string, unknown>): Array<{ label: string; value: string }> {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ({ label: humanKey(k), value: humanValue(v) }));
}
