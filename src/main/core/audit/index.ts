/** The audit trail's public API for every domain. */
export {
  appendAudit,
  appendAuditRow,
  openAuditContext,
  subjectRefFor,
  listAuditEntries,
  iterateAuditEntries,
  verifyAuditLog,
  describeVerification,
  type AppendAuditInput,
  type AuditContext,
} from './audit-log';
export { auditKeyAccount } from './audit-key';
export { createAuditHandlers, verifyForFaces } from './audit-handlers';
export type { AuditEntry } from './chain';
