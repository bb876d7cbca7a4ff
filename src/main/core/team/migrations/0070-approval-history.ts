import type { TeamMigration } from './types';

/**
 * Approvals become a history: a plan changed after its approval (an override, a revalidation that
 * changes a decision) needs a new approval of its new fingerprint, and no role may delete the old
 * one (approvals are evidence). The approval that counts is the latest one naming the plan's
 * current fingerprint; the preparer is still refused by the trigger of 0030 (LT001).
 */
export const teamMigration0070: TeamMigration = {
  version: 70,
  name: 'approval-history',
  sql: `
    ALTER TABLE lethe.plan_approvals DROP CONSTRAINT plan_approvals_pkey;
    ALTER TABLE lethe.plan_approvals ADD COLUMN id bigserial PRIMARY KEY;
    CREATE INDEX plan_approvals_run ON lethe.plan_approvals (run_id, id);
    GRANT USAGE ON SEQUENCE lethe.plan_approvals_id_seq TO lethe_approver;
  `,
};
