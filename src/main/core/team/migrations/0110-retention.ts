import type { TeamMigration } from './types';

/**
 * Retention in the team register (the local `applyRetention`, shared). Purging contact details is
 * an ordinary UPDATE an officer may make (the version is bumped and `updated_by` stamped by 0010's
 * trigger). Deleting a request record is not: nobody is granted DELETE on `requests` (0040), and
 * this function is the one way an officer removes one, and only a record the rules let go of:
 *
 * - closed (completed, denied, withdrawn) with a closing time,
 * - closed longer than the team's `keepClosedMonths` (never under 24, as the local settings say)
 *   as of the database's clock, not the client's,
 * - with its `request.deleted_by_retention` entry already in the audit chain (written first, in
 *   the same transaction), so no record ever goes without a trace naming the role.
 *
 * Otherwise SQLSTATE LT005. It runs as the schema's owner (DELETE), so EXECUTE is granted to
 * lethe_officer alone; approvers and auditors cannot call it.
 */
export const teamMigration0110: TeamMigration = {
  version: 110,
  name: 'retention',
  sql: `
    CREATE FUNCTION lethe.delete_by_retention(request text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DECLARE
      r lethe.requests%ROWTYPE;
      keep integer;
    BEGIN
      SELECT * INTO r FROM lethe.requests WHERE id = request FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'no request %', request USING ERRCODE = 'LT005';
      END IF;
      SELECT (value::jsonb -> 'retention' ->> 'keepClosedMonths')::integer INTO keep
        FROM lethe.register_settings WHERE key = 'register';
      keep := GREATEST(24, COALESCE(keep, 24));
      IF r.status NOT IN ('completed', 'denied', 'withdrawn') OR r.closed_at IS NULL
         OR r.closed_at::timestamptz + make_interval(months => keep) > now() THEN
        RAISE EXCEPTION 'request % is not past its retention period (closed records are kept % months)', r.number, keep
          USING ERRCODE = 'LT005';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM lethe.audit_log WHERE request_id = request AND action = 'request.deleted_by_retention') THEN
        RAISE EXCEPTION 'request % has no request.deleted_by_retention entry in the audit log', r.number USING ERRCODE = 'LT005';
      END IF;
      DELETE FROM lethe.requests WHERE id = request;
    END $$;
    REVOKE ALL ON FUNCTION lethe.delete_by_retention(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION lethe.delete_by_retention(text) TO lethe_officer;
  `,
};
