import type { TeamMigration } from './types';

/**
 * Live updates: every committed change to a request, and every audit entry, is announced on a
 * channel (`lethe_requests`, `lethe_audit`) so other officers' consoles refresh without a reload.
 * The payload names ids and versions only, never personal data.
 */
export const teamMigration0050: TeamMigration = {
  version: 50,
  name: 'live-updates',
  sql: `
    CREATE FUNCTION lethe.notify_request() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('lethe_requests', json_build_object('id', NEW.id, 'version', NEW.version, 'by', NEW.updated_by)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER requests_notify AFTER INSERT OR UPDATE ON lethe.requests
      FOR EACH ROW EXECUTE FUNCTION lethe.notify_request();

    CREATE FUNCTION lethe.notify_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('lethe_audit', json_build_object('seq', NEW.seq, 'actor', NEW.actor, 'action', NEW.action)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER audit_log_notify AFTER INSERT ON lethe.audit_log
      FOR EACH ROW EXECUTE FUNCTION lethe.notify_audit();
  `,
};
