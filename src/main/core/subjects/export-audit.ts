import type { ExportRecord } from '../../../shared/contract/groups/archives';
import { appendAudit } from '../audit/audit-log';
import { officerName } from '../audit/officer';
import { linkToRequest } from '../requests/request-service';
import type { CoreServices } from '../services';

/**
 * Every archive handed out is an audit entry: which person (keyed hash of the subject reference),
 * which request, what kind, and the ZIP's hash, so the copy a person received can be proven later.
 */
export async function auditExport(s: CoreServices, record: ExportRecord, actor: string | undefined): Promise<void> {
  // Made for a request: the request lists it (with its hash) and its timeline says so.
  if (record.requestId)
    await linkToRequest(
      s,
      record.workspaceId,
      record.requestId,
      { kind: 'archive', ref: record.exportId, sha256: record.sha256 },
      officerName(actor),
    );
  await appendAudit(s, record.workspaceId, {
    actor: officerName(actor),
    action: 'archive.exported',
    subject: record.ref,
    ...(record.requestId ? { requestId: record.requestId } : {}),
    data: {
      exportId: record.exportId,
      kind: record.kind,
      regulation: record.regulation,
      sha256: record.sha256,
      files: record.files,
      encrypted: record.encrypted,
    },
  });
}
