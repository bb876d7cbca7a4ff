import type { AuditVerifyResult, auditOperations } from '../../../shared/contract/groups/audit';
import type { SqliteDb } from '../db';
import { defaultActor } from '../requests/register-store';
import type { CoreServices, DomainHandlers } from '../services';
import { withTeamAuditRouting } from '../team/team-audit-routing';
import { auditToCsv, auditToJson } from './audit-export';
import { appendAuditRow, describeVerification, iterateAuditEntries, listAuditEntries, openAuditContext, verifyAuditLog } from './audit-log';

export function verifyForFaces(db: SqliteDb): AuditVerifyResult {
  const verification = verifyAuditLog(db);
  const { result, total } = verification;
  const message = describeVerification(verification);
  return result.ok
    ? { ok: true, count: result.count, total, head: result.head, brokenAt: null, reason: null, message }
    : { ok: false, count: result.index, total, head: null, brokenAt: result.brokenAt, reason: result.reason, message };
}

export function createAuditHandlers(s: CoreServices): DomainHandlers<typeof auditOperations> {
  // A workspace in team mode keeps its chain in PostgreSQL (../team); the local store otherwise.
  return withTeamAuditRouting(s, createLocalAuditHandlers(s));
}

function createLocalAuditHandlers(s: CoreServices): DomainHandlers<typeof auditOperations> {
  return {
    'audit.list': async (input) => {
      const ctx = await openAuditContext(s, input.workspaceId);
      return listAuditEntries(ctx.db, {
        ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
        ...(input.action !== undefined ? { action: input.action } : {}),
        ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}),
        limit: input.limit ?? 200,
      });
    },
    'audit.verify': async (input) => {
      const ctx = await openAuditContext(s, input.workspaceId);
      return verifyForFaces(ctx.db);
    },
    'audit.export': async (input) => {
      const ctx = await openAuditContext(s, input.workspaceId);
      const exportedAt = new Date().toISOString();
      // Verified before the export entry is added: a broken chain must not be papered over by it.
      const before = verifyForFaces(ctx.db);
      if (before.ok) {
        ctx.db
          .transaction(() =>
            appendAuditRow(ctx.db, ctx.auditKey, {
              actor: input.actor ?? defaultActor(),
              action: 'audit.exported',
              at: exportedAt,
              data: { format: input.format, entries: before.count + 1 },
            }),
          )
          .immediate();
      }
      const verify = before.ok ? verifyForFaces(ctx.db) : before;
      const stamp = exportedAt.slice(0, 10);
      const out =
        input.format === 'csv'
          ? auditToCsv(iterateAuditEntries(ctx.db))
          : auditToJson(iterateAuditEntries(ctx.db), { workspaceId: ctx.workspaceId, exportedAt, verification: verify });
      return {
        fileName: `audit-log-${ctx.workspaceId}-${stamp}.${input.format}`,
        mediaType: input.format === 'csv' ? 'text/csv' : 'application/json',
        content: out.content,
        count: out.count,
        verify,
      };
    },
  };
}
