import type { TeamMigration } from './types';

/**
 * The audit chain (see ../../audit/chain.ts): the same columns as the local log, `data` the exact
 * canonical JSON that was hashed. The database itself keeps it one linear chain: an entry is
 * accepted only at the head (seq = last + 1, prev_hash = last hash), whatever the client; writers
 * take an advisory lock first so they queue instead of failing. The actor must be the role writing
 * (only the schema's owner may import entries written by others). Updates, deletes and truncation
 * are refused by trigger here, and by privilege in 0040 (no role is granted them).
 */
export const teamMigration0020: TeamMigration = {
  version: 20,
  name: 'audit',
  sql: `
    CREATE TABLE lethe.audit_log (
      seq bigint PRIMARY KEY,
      at text NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      subject_ref text,
      request_id text,
      data text NOT NULL,
      prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
    );
    CREATE INDEX audit_log_request ON lethe.audit_log (request_id, seq);
    CREATE INDEX audit_log_subject ON lethe.audit_log (subject_ref, seq);

    CREATE FUNCTION lethe.audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'LT002';
    END $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON lethe.audit_log
      FOR EACH ROW EXECUTE FUNCTION lethe.audit_refuse_change();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON lethe.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION lethe.audit_refuse_change();

    CREATE FUNCTION lethe.audit_check_append() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      head record;
    BEGIN
      IF NEW.actor <> current_user AND NOT lethe.is_owner() THEN
        RAISE EXCEPTION 'an audit entry names the role that writes it (%), not %', current_user, NEW.actor
          USING ERRCODE = 'LT003';
      END IF;
      SELECT seq, hash INTO head FROM lethe.audit_log ORDER BY seq DESC LIMIT 1;
      IF NEW.seq <> COALESCE(head.seq, 0) + 1 OR NEW.prev_hash <> COALESCE(head.hash, repeat('0', 64)) THEN
        RAISE EXCEPTION 'audit entry % is not at the head of the chain (head is %)', NEW.seq, COALESCE(head.seq, 0)
          USING ERRCODE = 'LT004';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER audit_log_append BEFORE INSERT ON lethe.audit_log
      FOR EACH ROW EXECUTE FUNCTION lethe.audit_check_append();
  `,
};
