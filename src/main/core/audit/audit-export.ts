import { csvRow, UTF8_BOM } from '../archive/csv';
import type { AuditEntry } from './chain';
import { canonicalJson } from './chain-canonical';

const COLUMNS = ['seq', 'at', 'actor', 'action', 'subjectRef', 'requestId', 'data', 'prevHash', 'hash'] as const;

/**
 * One row per entry; `data` is the canonical JSON that was hashed, so a reader can recompute
 * sha256(prevHash + canonical entry) from the file alone.
 */
export function auditToCsv(entries: Iterable<AuditEntry>): { content: string; count: number } {
  let content = UTF8_BOM + csvRow([...COLUMNS]);
  let count = 0;
  for (const e of entries) {
    content += csvRow([e.seq, e.at, e.actor, e.action, e.subjectRef, e.requestId, canonicalJson(e.data), e.prevHash, e.hash]);
    count += 1;
  }
  return { content, count };
}

export function auditToJson(entries: Iterable<AuditEntry>, meta: Record<string, unknown>): { content: string; count: number } {
  const list = [...entries];
  const body = {
    kind: 'lethe.audit-log',
    version: 1,
    ...meta,
    hashing:
      'hash = sha256(prevHash + canonicalJson({seq, at, actor, action, subjectRef, requestId, data, prevHash})), hex; the first prevHash is 64 zeros',
    subjects: 'subjectRef = HMAC-SHA256 of the normalized identifier under a per-workspace key kept in the OS keychain',
    count: list.length,
    entries: list,
  };
  return { content: `${JSON.stringify(body, null, 2)}\n`, count: list.length };
}
