import { CLOSED_STATUSES, type RetentionSettings } from '../../../shared/contract/groups/requests';
import { addMonthsClamped } from '../../../shared/deadlines';
import { appendAuditRow, type AuditContext } from '../audit/audit-log';
import { referenceOf, type RequestRow } from './request-rows';

const DAY_MS = 86_400_000;

export interface RetentionOutcome {
  deletedRequests: number;
  purgedContacts: number;
}

/**
 * Which closed requests retention deletes (closed more than `keepClosedMonths` ago) and whose contact
 * details it purges (closed `purgeContactAfterDays` ago, not deleted, still holding some): both
 * registers' rule (the local one here, the team one in team-retention.ts).
 */
export function retentionDue<R extends { id: string; closed_at: string | null; contact_purged_at: string | null }>(
  closed: readonly R[],
  hasContact: (r: R) => boolean,
  retention: RetentionSettings,
  asOf: string,
): { expired: R[]; toPurge: R[] } {
  const now = Date.parse(asOf);
  const expired = closed.filter((r) => {
    const keepUntil = `${addMonthsClamped(r.closed_at?.slice(0, 10) ?? '', retention.keepClosedMonths)}${r.closed_at?.slice(10) ?? ''}`;
    return Date.parse(keepUntil) <= now;
  });
  const expiredIds = new Set(expired.map((r) => r.id));
  const purgeAfter = retention.purgeContactAfterDays;
  const toPurge =
    purgeAfter === null
      ? []
      : closed.filter(
          (r) =>
            !expiredIds.has(r.id) &&
            r.contact_purged_at === null &&
            hasContact(r) &&
            Date.parse(r.closed_at ?? asOf) + purgeAfter * DAY_MS <= now,
        );
  return { expired, toPurge };
}

/**
 * Applies the retention settings as of `asOf`: requester contact details of requests closed long
 * enough ago are purged (the record stays, for the 24-month register), and closed request
 * records older than the retention period are deleted. The audit log keeps its entries: they name
 * the subject only by keyed hash. With `dryRun` nothing changes.
 */
export function applyRetention(
  ctx: AuditContext,
  retention: RetentionSettings,
  asOf: string,
  dryRun: boolean,
  actor: string,
): RetentionOutcome {
  const { db } = ctx;
  const closed = db
    .prepare(`SELECT * FROM requests WHERE status IN (${CLOSED_STATUSES.map(() => '?').join(', ')}) AND closed_at IS NOT NULL`)
    .all(...CLOSED_STATUSES) as RequestRow[];
  const purgeAfter = retention.purgeContactAfterDays;
  const { expired, toPurge } = retentionDue(
    closed,
    (r) => r.requester_name !== null || r.requester_email !== null || r.requester_phone !== null,
    retention,
    asOf,
  );
  if (!dryRun) {
    db.transaction(() => {
      for (const r of toPurge) {
        db.prepare(
          'UPDATE requests SET requester_name = NULL, requester_email = NULL, requester_phone = NULL, contact_purged_at = ?, updated_at = ? WHERE id = ?',
        ).run(asOf, asOf, r.id);
        appendAuditRow(db, ctx.auditKey, {
          actor,
          action: 'request.contact_purged',
          requestId: r.id,
          at: asOf,
          data: { closedAt: r.closed_at, purgeContactAfterDays: purgeAfter },
        });
      }
      for (const r of expired) {
        // Logged before the row goes, so the entry still carries the request's subject reference.
        appendAuditRow(db, ctx.auditKey, {
          actor,
          action: 'request.deleted_by_retention',
          requestId: r.id,
          at: asOf,
          data: { reference: referenceOf(r.number), status: r.status, closedAt: r.closed_at, keepClosedMonths: retention.keepClosedMonths },
        });
        db.prepare('DELETE FROM requests WHERE id = ?').run(r.id);
      }
    }).immediate();
  }
  return { deletedRequests: expired.length, purgedContacts: toPurge.length };
}
