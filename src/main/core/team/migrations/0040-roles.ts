import type { TeamMigration } from './types';

/**
 * The three group roles a team's logins are made members of (README, "Team mode"):
 *
 * - lethe_officer: reads everything; records and changes requests, links, settings, plans and the
 *   journal; appends to the audit log.
 * - lethe_approver: reads everything; approves plans (never their own: 0030) and appends the
 *   approval to the audit log.
 * - lethe_auditor: reads everything, writes nothing.
 *
 * Nobody is granted UPDATE, DELETE or TRUNCATE on the audit log, nor DELETE on requests or plans.
 * Roles belong to the whole cluster, so they are created only when missing (the DBA may have made
 * them already, then `lethe team init` needs no CREATEROLE).
 */
export const teamMigration0040: TeamMigration = {
  version: 40,
  name: 'roles',
  sql: `
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lethe_officer') THEN CREATE ROLE lethe_officer NOLOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lethe_approver') THEN CREATE ROLE lethe_approver NOLOGIN; END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lethe_auditor') THEN CREATE ROLE lethe_auditor NOLOGIN; END IF;
    END $$;

    REVOKE ALL ON ALL TABLES IN SCHEMA lethe FROM PUBLIC;
    REVOKE ALL ON SCHEMA lethe FROM PUBLIC;
    GRANT USAGE ON SCHEMA lethe TO lethe_officer, lethe_approver, lethe_auditor;
    GRANT SELECT ON ALL TABLES IN SCHEMA lethe TO lethe_officer, lethe_approver, lethe_auditor;

    GRANT INSERT, UPDATE ON lethe.requests, lethe.register_settings, lethe.runs, lethe.operations, lethe.store_settings
      TO lethe_officer;
    GRANT INSERT ON lethe.request_links, lethe.transitions TO lethe_officer;
    GRANT USAGE ON SEQUENCE lethe.transitions_id_seq TO lethe_officer;
    GRANT INSERT ON lethe.audit_log TO lethe_officer, lethe_approver;
    GRANT INSERT ON lethe.plan_approvals TO lethe_approver;
  `,
};
