import { canonicalJson, type AuditEntry } from './chain';

/**
 * An audit row as both stores keep it: the local register (SQLite) and the team database
 * (PostgreSQL, where `seq` is a bigint and arrives as a string).
 */
export interface AuditRow {
  seq: string | number;
  at: string;
  actor: string;
  action: string;
  subject_ref: string | null;
  request_id: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export const AUDIT_COLUMNS = 'seq, at, actor, action, subject_ref, request_id, data, prev_hash, hash';

/** A stored row as a chain entry; unreadable `data` becomes a value the verifier calls malformed. */
export function rowToEntry(row: AuditRow): AuditEntry {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    data = undefined as unknown as Record<string, unknown>;
  }
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    subjectRef: row.subject_ref,
    requestId: row.request_id,
    data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** An entry's values in AUDIT_COLUMNS order, for either store's INSERT. */
export function entryValues(entry: AuditEntry): [number, string, string, string, string | null, string | null, string, string, string] {
  return [
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    entry.subjectRef,
    entry.requestId,
    canonicalJson(entry.data),
    entry.prevHash,
    entry.hash,
  ];
}
