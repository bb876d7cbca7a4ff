import type { TeamMigration } from './types';

/**
 * The request register, as in the local `register` store (same columns, same ISO text times, so a
 * local register moves over row for row), plus what several writers need: a `version` per request
 * for optimistic concurrency and the roles that created and last changed it. The trigger, not the
 * client, bumps the version and names `current_user`, so no client can skip or fake either.
 *
 * `lethe.is_owner()` says whether the role owns the schema (whoever ran `lethe team init`): only
 * the owner may write rows in other people's names, which importing a local register needs.
 */
export const teamMigration0010: TeamMigration = {
  version: 10,
  name: 'register',
  sql: `
    CREATE FUNCTION lethe.is_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
      SELECT pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'lethe'), 'MEMBER')
    $$;

    CREATE TABLE lethe.requests (
      id text PRIMARY KEY,
      number integer NOT NULL UNIQUE,
      type text NOT NULL,
      regulation text NOT NULL,
      channel text NOT NULL,
      received_at text NOT NULL,
      time_zone text NOT NULL,
      requester_name text,
      requester_email text,
      requester_phone text,
      contact_purged_at text,
      subject_ref text,
      subject_id bigint,
      verification text,
      status text NOT NULL,
      status_reason text,
      denial_article text,
      owner text,
      notes text NOT NULL DEFAULT '',
      extension text,
      created_at text NOT NULL,
      updated_at text NOT NULL,
      closed_at text,
      version integer NOT NULL DEFAULT 1,
      created_by text NOT NULL DEFAULT current_user,
      updated_by text NOT NULL DEFAULT current_user
    );
    CREATE INDEX requests_status ON lethe.requests (status);
    CREATE INDEX requests_received ON lethe.requests (received_at);

    CREATE TABLE lethe.request_links (
      request_id text NOT NULL REFERENCES lethe.requests (id) ON DELETE CASCADE,
      kind text NOT NULL,
      ref text NOT NULL,
      sha256 text,
      at text NOT NULL,
      PRIMARY KEY (request_id, kind, ref)
    );

    -- Organisation settings of the register (deadline rules), shared by the team.
    CREATE TABLE lethe.register_settings (
      key text PRIMARY KEY,
      value text NOT NULL,
      updated_by text NOT NULL DEFAULT current_user
    );

    CREATE FUNCTION lethe.requests_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NOT lethe.is_owner() THEN
          NEW.version := 1;
          NEW.created_by := current_user;
          NEW.updated_by := current_user;
        END IF;
      ELSE
        NEW.version := OLD.version + 1;
        NEW.created_by := OLD.created_by;
        NEW.updated_by := current_user;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER requests_stamp BEFORE INSERT OR UPDATE ON lethe.requests
      FOR EACH ROW EXECUTE FUNCTION lethe.requests_stamp();
  `,
};
