import type { TeamMigration } from './types';

/**
 * The journal of remote operations and the erasure plans it carries (same shape as the local
 * `journal` store), so two officers never run the same erasure and a resume on another machine
 * sees what was sent: a run is claimed by one role at a time (`claimed_by`).
 *
 * Second-person approval is enforced here, not in a client: `plan_approvals.approved_by` is always
 * `current_user`, and an approval by the role that prepared the run is refused (SQLSTATE LT001).
 */
export const teamMigration0030: TeamMigration = {
  version: 30,
  name: 'journal-and-plans',
  sql: `
    CREATE TABLE lethe.runs (
      id text PRIMARY KEY,
      kind text NOT NULL,
      state text NOT NULL CHECK (state IN ('draft','running','completed','needs_attention','abandoned')),
      subject_ref text,
      document text NOT NULL,
      created_at text NOT NULL,
      updated_at text NOT NULL,
      started_at text,
      finished_at text,
      prepared_by text NOT NULL DEFAULT current_user,
      claimed_by text,
      claimed_at text
    );
    CREATE INDEX runs_kind_state ON lethe.runs (kind, state);

    CREATE TABLE lethe.operations (
      id text PRIMARY KEY,
      run_id text NOT NULL REFERENCES lethe.runs (id) ON DELETE CASCADE,
      seq integer NOT NULL,
      stage integer NOT NULL,
      kind text NOT NULL,
      targets text NOT NULL,
      payload text,
      depends_on text NOT NULL DEFAULT '[]',
      state text NOT NULL CHECK (state IN ('planned','sent','done','failed','skipped')),
      attempts integer NOT NULL DEFAULT 0,
      remote_job_id text,
      result text,
      error_code text,
      error_message text,
      created_at text NOT NULL,
      updated_at text NOT NULL,
      sent_at text,
      finished_at text,
      UNIQUE (run_id, seq)
    );
    CREATE INDEX operations_run_state ON lethe.operations (run_id, state, stage);

    CREATE TABLE lethe.transitions (
      id bigserial PRIMARY KEY,
      run_id text NOT NULL,
      op_id text NOT NULL,
      from_state text,
      to_state text NOT NULL,
      at text NOT NULL,
      by_role text NOT NULL DEFAULT current_user
    );
    CREATE INDEX transitions_run ON lethe.transitions (run_id, id);

    -- Exemption rules and other settings of the journal's domains, shared by the team.
    CREATE TABLE lethe.store_settings (
      key text PRIMARY KEY,
      value text NOT NULL,
      updated_at text NOT NULL,
      updated_by text NOT NULL DEFAULT current_user
    );

    CREATE TABLE lethe.plan_approvals (
      run_id text PRIMARY KEY REFERENCES lethe.runs (id),
      approved_by text NOT NULL DEFAULT current_user,
      approved_at text NOT NULL,
      -- what was approved (the plan's fingerprint): a changed plan needs a new approval
      fingerprint text NOT NULL,
      note text
    );

    CREATE FUNCTION lethe.runs_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NOT lethe.is_owner() THEN NEW.prepared_by := current_user; END IF;
      ELSE
        NEW.prepared_by := OLD.prepared_by;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER runs_stamp BEFORE INSERT OR UPDATE ON lethe.runs
      FOR EACH ROW EXECUTE FUNCTION lethe.runs_stamp();

    CREATE FUNCTION lethe.approval_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      preparer text;
    BEGIN
      IF NOT (TG_OP = 'INSERT' AND lethe.is_owner()) THEN
        NEW.approved_by := current_user;
      END IF;
      SELECT prepared_by INTO preparer FROM lethe.runs WHERE id = NEW.run_id;
      IF preparer IS NOT NULL AND preparer = NEW.approved_by THEN
        RAISE EXCEPTION 'second-person approval: % prepared this plan and cannot approve it', preparer
          USING ERRCODE = 'LT001';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER plan_approvals_check BEFORE INSERT OR UPDATE ON lethe.plan_approvals
      FOR EACH ROW EXECUTE FUNCTION lethe.approval_check();
  `,
};
