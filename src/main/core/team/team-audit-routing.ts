import type { AuditVerifyResult, auditOperations } from '../../../shared/contract/groups/audit';
import { auditToCsv, auditToJson } from '../audit/audit-export';
import { describeVerification, type AuditVerification } from '../audit/audit-log';
import { resolveWorkspaceId } from '../requests/register-store';
import type { CoreServices, DomainHandlers } from '../services';
import { allTeamEntries, appendTeamAuditAlone, listTeamAudit, verifyTeamAudit } from './team-audit';
import { teamSessionFor } from './team-session';

type AuditHandlers = DomainHandlers<typeof auditOperations>;

export function facesVerification(verification: AuditVerification): AuditVerifyResult {
  const { result, total } = verification;
  const message = describeVerification(verification);
  return result.ok
    ? { ok: true, count: result.count, total, head: result.head, brokenAt: null, reason: null, message }
    : { ok: false, count: result.index, total, head: null, brokenAt: result.brokenAt, reason: result.reason, message };
}

/**
 * The audit operations, routed like the register's: in team mode `lethe audit verify`, the list
 * and the export read the team database's chain; locally they run unchanged.
 */
export function withTeamAuditRouting(s: CoreServices, local: AuditHandlers): AuditHandlers {
  const session = async (workspaceId: string | undefined) => teamSessionFor(s, await resolveWorkspaceId(s, workspaceId));
  return {
    ...local,
    'audit.list': async (input) => {
      const team = await session(input.workspaceId);
      if (!team) return local['audit.list'](input);
      return listTeamAudit(team.pool, {
        ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
        ...(input.action !== undefined ? { action: input.action } : {}),
        ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}),
        limit: input.limit ?? 200,
      });
    },
    'audit.verify': async (input) => {
      const team = await session(input.workspaceId);
      if (!team) return local['audit.verify'](input);
      return facesVerification(await verifyTeamAudit(team.pool));
    },
    'audit.export': async (input) => {
      const team = await session(input.workspaceId);
      if (!team) return local['audit.export'](input);
      const exportedAt = new Date().toISOString();
      const before = facesVerification(await verifyTeamAudit(team.pool));
      if (before.ok) {
        await appendTeamAuditAlone(team.pool, team.auditKey, {
          actor: 'database',
          action: 'audit.exported',
          at: exportedAt,
          data: { format: input.format, entries: before.count + 1 },
        });
      }
      const verify = before.ok ? facesVerification(await verifyTeamAudit(team.pool)) : before;
      const entries = await allTeamEntries(team.pool);
      const out =
        input.format === 'csv'
          ? auditToCsv(entries)
          : auditToJson(entries, { workspaceId: team.workspaceId, exportedAt, verification: verify, team: team.entry.target.database });
      return {
        fileName: `audit-log-${team.workspaceId}-${exportedAt.slice(0, 10)}.${input.format}`,
        mediaType: input.format === 'csv' ? 'text/csv' : 'application/json',
        content: out.content,
        count: out.count,
        verify,
      };
    },
  };
}
