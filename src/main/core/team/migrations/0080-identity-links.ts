import type { TeamMigration } from './types';

/**
 * Identity-link decisions (which helpdesk accounts are one person, and which suggestions an
 * officer rejected) shared by the team: the same shape as the local register's `identity_links`.
 * `decided_by` is always `current_user` (only the schema's owner, moving a local register, may
 * write other names); officers may undo a decision (DELETE), which the audit chain records.
 */
export const teamMigration0080: TeamMigration = {
  version: 80,
  name: 'identity-links',
  sql: `
    CREATE TABLE lethe.identity_links (
      user_id bigint NOT NULL,
      linked_user_id bigint NOT NULL,
      decision text NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
      reason text NOT NULL,
      decided_by text NOT NULL DEFAULT current_user,
      decided_at text NOT NULL,
      evidence text NOT NULL DEFAULT '[]',
      PRIMARY KEY (user_id, linked_user_id),
      CHECK (user_id < linked_user_id)
    );
    CREATE INDEX identity_links_linked ON lethe.identity_links (linked_user_id);

    CREATE FUNCTION lethe.identity_links_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT (TG_OP = 'INSERT' AND lethe.is_owner()) THEN NEW.decided_by := current_user; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER identity_links_stamp BEFORE INSERT OR UPDATE ON lethe.identity_links
      FOR EACH ROW EXECUTE FUNCTION lethe.identity_links_stamp();

    GRANT SELECT ON lethe.identity_links TO lethe_officer, lethe_approver, lethe_auditor;
    GRANT INSERT, UPDATE, DELETE ON lethe.identity_links TO lethe_officer;
  `,
};
