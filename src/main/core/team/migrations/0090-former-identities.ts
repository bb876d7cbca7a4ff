import type { TeamMigration } from './types';

/**
 * A person's former addresses and numbers (#19 item 7), shared by the team: the same shape as
 * the local register's `former_identities` (register 0040). A rectification on one machine keeps
 * the old address the person's on every machine, so a comment quoting it is still a mention and
 * still in the plan. `replaced_by` is always `current_user` (the owner, moving a local register,
 * may keep the recorded name). Nobody deletes a former identity: it is part of the record.
 */
export const teamMigration0090: TeamMigration = {
  version: 90,
  name: 'former-identities',
  sql: `
    CREATE TABLE lethe.former_identities (
      user_id bigint NOT NULL,
      type text NOT NULL CHECK (type IN ('email', 'phone_number')),
      value text NOT NULL,
      replaced_at text NOT NULL,
      replaced_by text NOT NULL DEFAULT current_user,
      PRIMARY KEY (user_id, type, value)
    );

    CREATE FUNCTION lethe.former_identities_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT lethe.is_owner() THEN NEW.replaced_by := current_user; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER former_identities_stamp BEFORE INSERT ON lethe.former_identities
      FOR EACH ROW EXECUTE FUNCTION lethe.former_identities_stamp();

    GRANT SELECT ON lethe.former_identities TO lethe_officer, lethe_approver, lethe_auditor;
    GRANT INSERT ON lethe.former_identities TO lethe_officer;
  `,
};
