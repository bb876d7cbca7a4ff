import type pg from 'pg';
import { CLOSED_STATUSES, type RetentionSettings } from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { referenceOf } from '../requests/request-rows';
import { retentionDue, type RetentionOutcome } from '../requests/retention';
import { appendTeamAudit, lockChain } from './team-audit';
import type { TeamSession } from './team-session';

interface ClosedRow {
  id: string;
  number: number;
  status: string;
  closed_at: string;
  contact_purged_at: string | null;
  has_contact: boolean;
  version: number;
}

/**
 * The register's retention on the team database: the local `applyRetention`'s rules (contact
 * details purged `purgeContactAfterDays` after closing, closed records deleted after
 * `keepClosedMonths`), under the team's settings, as one transaction holding the chain's lock so
 * no officer's edit interleaves. Each purge is an UPDATE the database stamps (`version` + 1,
 * `updated_by` = the role), so an edit made against the version before it is a `conflict`; each
 * deletion goes through `lethe.delete_by_retention` (migration 0110), which checks the period on
 * the database's clock and that the entry naming the role is in the chain. The entries' actor is
 * `current_user`, whatever name the client typed.
 *
 * A real run is as of now: the database would refuse a deletion dated later, so a later `asOf` is
 * for a dry run only.
 */
export async function applyTeamRetention(session: TeamSession, asOfIn: string | undefined, dryRun: boolean): Promise<RetentionOutcome> {
  const asOf = asOfIn ?? new Date().toISOString();
  if (!dryRun && Date.parse(asOf) > Date.now()) {
    throw new LetheError('invalid_input', 'In team mode retention is applied as of now; a later date is for a dry run only');
  }
  const run = async (client: pg.PoolClient): Promise<RetentionOutcome> => {
    if (!dryRun) await lockChain(client);
    const retention: RetentionSettings = (await session.register.settingsIn(client)).retention;
    const closed = await client.query<ClosedRow>(
      `SELECT id, number, status, closed_at, contact_purged_at, version,
              (requester_name IS NOT NULL OR requester_email IS NOT NULL OR requester_phone IS NOT NULL) AS has_contact
         FROM lethe.requests WHERE status = ANY($1) AND closed_at IS NOT NULL ORDER BY number
         ${dryRun ? '' : 'FOR UPDATE'}`,
      [CLOSED_STATUSES],
    );
    const purgeAfter = retention.purgeContactAfterDays;
    const { expired, toPurge } = retentionDue(closed.rows, (r) => r.has_contact, retention, asOf);
    if (dryRun) return { deletedRequests: expired.length, purgedContacts: toPurge.length };
    for (const r of toPurge) {
      await client.query(
        `UPDATE lethe.requests SET requester_name = NULL, requester_email = NULL, requester_phone = NULL,
                contact_purged_at = $1, updated_at = $1 WHERE id = $2`,
        [asOf, r.id],
      );
      await appendTeamAudit(
        client,
        session.auditKey,
        {
          actor: 'database',
          action: 'request.contact_purged',
          requestId: r.id,
          at: asOf,
          data: { closedAt: r.closed_at, purgeContactAfterDays: purgeAfter, version: r.version + 1 },
        },
        { locked: true },
      );
    }
    for (const r of expired) {
      // Logged before the row goes, so the entry still carries the request's subject reference.
      await appendTeamAudit(
        client,
        session.auditKey,
        {
          actor: 'database',
          action: 'request.deleted_by_retention',
          requestId: r.id,
          at: asOf,
          data: { reference: referenceOf(r.number), status: r.status, closedAt: r.closed_at, keepClosedMonths: retention.keepClosedMonths },
        },
        { locked: true },
      );
      await client.query('SELECT lethe.delete_by_retention($1)', [r.id]);
    }
    return { deletedRequests: expired.length, purgedContacts: toPurge.length };
  };
  return dryRun ? session.pool.withClient(run) : session.pool.transaction(run);
}
