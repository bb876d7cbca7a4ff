import type { TeamMigration } from './types';

/**
 * The team's subject key (the HMAC key behind the audit log's `subject_ref`), so every officer's
 * machine names the same person with the same reference. It is kept beside the register it
 * protects rather than sent around by hand: whoever can read this table can read the requesters'
 * contact details in `requests` anyway (docs/team-mode.md, threat model). Set once by the owner at
 * `lethe team init`; readable by the three roles, writable by none of them.
 */
export const teamMigration0060: TeamMigration = {
  version: 60,
  name: 'team-key',
  sql: `
    CREATE TABLE lethe.team_keys (
      name text PRIMARY KEY,
      value text NOT NULL CHECK (value ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by text NOT NULL DEFAULT current_user
    );
    REVOKE ALL ON lethe.team_keys FROM PUBLIC;
    GRANT SELECT ON lethe.team_keys TO lethe_officer, lethe_approver, lethe_auditor;
  `,
};
