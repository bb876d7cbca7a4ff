import type { Migration } from './types';

/**
 * The record tables. Foreign keys only where the parent always arrives in the same write
 * (identities with their user, attachments with their comment): the exports run independently, so
 * a ticket may name a user, or a comment a ticket, that the cache has not seen yet.
 * Timestamps are Zendesk's ISO-8601 strings; `generated_timestamp` is Unix seconds.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        email TEXT,
        phone TEXT,
        role TEXT,
        external_id TEXT,
        organization_id INTEGER,
        active INTEGER NOT NULL DEFAULT 1,
        suspended INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        tags TEXT NOT NULL DEFAULT '[]',
        -- other personal fields (alias, notes, user_fields...) for the access archive, as JSON
        profile TEXT,
        created_at TEXT,
        updated_at TEXT
      );
      CREATE INDEX users_organization ON users(organization_id);
      CREATE INDEX users_external_id ON users(external_id) WHERE external_id IS NOT NULL;

      CREATE TABLE identities (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        value_normalized TEXT NOT NULL,
        is_primary INTEGER NOT NULL DEFAULT 0,
        verified INTEGER NOT NULL DEFAULT 0,
        created_at TEXT,
        updated_at TEXT
      );
      CREATE INDEX identities_user ON identities(user_id);
      CREATE INDEX identities_value ON identities(value_normalized);

      CREATE TABLE organizations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        external_id TEXT,
        domain_names TEXT NOT NULL DEFAULT '[]',
        details TEXT,
        notes TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        organization_fields TEXT,
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT,
        updated_at TEXT
      );

      CREATE TABLE organization_memberships (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL,
        organization_id INTEGER NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        created_at TEXT,
        updated_at TEXT
      );
      CREATE INDEX organization_memberships_user ON organization_memberships(user_id);
      CREATE INDEX organization_memberships_organization ON organization_memberships(organization_id);

      CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        subject TEXT,
        description TEXT,
        status TEXT NOT NULL,
        requester_id INTEGER,
        submitter_id INTEGER,
        assignee_id INTEGER,
        organization_id INTEGER,
        group_id INTEGER,
        tags TEXT NOT NULL DEFAULT '[]',
        -- only the custom fields an admin flagged as personal data: {"<field id>": value}
        custom_fields TEXT,
        via_channel TEXT,
        created_at TEXT,
        updated_at TEXT,
        generated_timestamp INTEGER NOT NULL DEFAULT 0,
        is_archived INTEGER NOT NULL DEFAULT 0,
        -- soft-deleted upstream (status "deleted"): kept, because erasure must still purge it
        deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX tickets_requester ON tickets(requester_id);
      CREATE INDEX tickets_organization ON tickets(organization_id);

      -- Who touches which ticket and how: the question behind every request. Derived: the ticket
      -- roles from the ticket record, 'commenter' from the comments table.
      CREATE TABLE participants (
        ticket_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('requester','submitter','assignee','cc','follower','commenter')),
        PRIMARY KEY (ticket_id, user_id, role)
      ) WITHOUT ROWID;
      CREATE INDEX participants_user ON participants(user_id, role);

      CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL,
        author_id INTEGER,
        body TEXT NOT NULL DEFAULT '',
        public INTEGER NOT NULL DEFAULT 1,
        created_at TEXT
      );
      CREATE INDEX comments_ticket ON comments(ticket_id, created_at);
      CREATE INDEX comments_author ON comments(author_id);

      CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        ticket_id INTEGER NOT NULL,
        file_name TEXT NOT NULL DEFAULT '',
        content_type TEXT,
        size INTEGER,
        content_url TEXT,
        inline INTEGER NOT NULL DEFAULT 0,
        -- where a downloaded copy lives, if any; the sync never overwrites it
        local_path TEXT
      );
      CREATE INDEX attachments_comment ON attachments(comment_id);
      CREATE INDEX attachments_ticket ON attachments(ticket_id);

      -- Upstream deletions, so a replayed older page cannot bring a deleted record back.
      CREATE TABLE tombstones (
        resource TEXT NOT NULL,
        id INTEGER NOT NULL,
        deleted_at TEXT NOT NULL,
        PRIMARY KEY (resource, id)
      ) WITHOUT ROWID;

      CREATE TABLE sync_state (
        resource TEXT PRIMARY KEY,
        cursor TEXT,
        start_time INTEGER,
        end_time INTEGER,
        last_page_at TEXT,
        last_success_at TEXT,
        last_error TEXT,
        items INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE sync_errors (
        id INTEGER PRIMARY KEY,
        resource TEXT NOT NULL,
        at TEXT NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX sync_errors_resource ON sync_errors(resource, at);
    `);
  },
};
