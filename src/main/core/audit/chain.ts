import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { LetheError } from '../../../shared/errors';
import { isoDateTime } from '../../../shared/schemas/common';
import { canonicalJson } from './chain-canonical';
import { assertNoPersonalData } from './chain-guard';

export { canonicalJson } from './chain-canonical';
export { assertNoPersonalData, looksLikeEmail, looksLikePhone } from './chain-guard';

/**
 * Tamper-evident audit log: each entry carries the hash of the one before, so changing, removing,
 * inserting or reordering any stored entry breaks the chain at that point. Subjects appear only
 * as keyed hashes (`subjectRef`) and `data` holds no personal data, so erasing a person never
 * requires rewriting history.
 *
 * The chain proves internal consistency only: someone able to rewrite the whole store can
 * recompute every hash after the point they changed, or cut the tail. Keeping the head
 * (`{ seq, hash }`) somewhere else (a receipt, an export, the keychain) and passing it as
 * `expectedHead` to the verifier closes both gaps.
 */

export const GENESIS_HASH = '0'.repeat(64);
/** Sequence number of the first entry. */
export const FIRST_SEQ = 1;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex characters');

export const auditActionSchema = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/, 'dotted lowercase, e.g. request.created');

export const auditFieldsSchema = z
  .object({
    at: isoDateTime,
    /** Staff id of whoever acted (or "system"). */
    actor: z.string().trim().min(1).max(200),
    action: auditActionSchema,
    subjectRef: hex64.nullable().default(null),
    requestId: z.string().min(1).max(200).nullable().default(null),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type AuditFields = z.input<typeof auditFieldsSchema>;

/** As stored; extra columns (a rowid, say) are ignored when verifying. */
export const auditEntrySchema = z.object({
  seq: z.number().int().min(FIRST_SEQ),
  at: isoDateTime,
  actor: z.string().min(1).max(200),
  action: auditActionSchema,
  subjectRef: hex64.nullable(),
  requestId: z.string().min(1).max(200).nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: hex64,
  hash: hex64,
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** sha256(prevHash + canonical(entry without hash)), hex. Only the schema's fields are hashed. */
export function computeEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const body = {
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subjectRef: entry.subjectRef,
    requestId: entry.requestId,
    data: entry.data,
    prevHash: entry.prevHash,
  };
  return createHash('sha256')
    .update(entry.prevHash + canonicalJson(body), 'utf8')
    .digest('hex');
}

/**
 * The entry that follows `prev` (or the first entry when `prev` is null). Pure: the caller gives
 * the time in `fields.at` and stores the result. Throws LetheError('invalid_input') for malformed
 * fields, non-JSON data or data that looks like it holds an email address or phone number.
 */
export function appendEntry(prev: AuditEntry | null, fields: AuditFields): AuditEntry {
  const parsed = auditFieldsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LetheError(
      'invalid_input',
      `Invalid audit entry${issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : ''}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  if (prev !== null && (!Number.isInteger(prev.seq) || !hex64.safeParse(prev.hash).success)) {
    throw new LetheError('invalid_input', 'The previous audit entry is malformed');
  }
  const f = parsed.data;
  assertNoPersonalData(f.data);
  const body: Omit<AuditEntry, 'hash'> = {
    seq: prev === null ? FIRST_SEQ : prev.seq + 1,
    at: f.at,
    actor: f.actor,
    action: f.action,
    subjectRef: f.subjectRef,
    requestId: f.requestId,
    // A deep copy through canonical JSON, so later mutation of the caller's object cannot make the
    // returned entry disagree with its hash.
    data: JSON.parse(canonicalJson(f.data)) as Record<string, unknown>,
    prevHash: prev === null ? GENESIS_HASH : prev.hash,
  };
  return { ...body, hash: computeEntryHash(body) };
}

// --- subjects ---------------------------------------------------------------------------------

const PHONE_LIKE = /^(?:\+|00)?[\d\s().\-/]+$/;

/**
 * The form of an identifier that is hashed: emails trimmed and lowercased; phone numbers reduced
 * to digits, with a leading "+" kept (and "00" read as "+") and a "(0)" trunk marker dropped;
 * anything else (ids, usernames) trimmed. A national number and the same number in international
 * form ("(415) 555-0100" vs "+1 415 555 0100") stay different: no country is guessed.
 */
export function normalizeIdentifier(identifier: string): string {
  const t = identifier.normalize('NFC').trim();
  if (t.includes('@')) return t.toLowerCase();
  if (PHONE_LIKE.test(t) && /\d/.test(t)) {
    const international = t.startsWith('+') || t.startsWith('00');
    let digits = t.replace(/\(0\)/g, '').replace(/\D/g, '');
    if (t.startsWith('00')) digits = digits.slice(2);
    return international ? `+${digits}` : digits;
  }
  return t;
}

const MIN_KEY_BYTES = 16;

/**
 * HMAC-SHA256 (hex) of the normalized identifier under a secret key, so the log can say "the same
 * subject" without naming them, and nobody without the key can test a guessed email against it.
 */
export function subjectRef(secretKey: Buffer, identifier: string): string {
  if (secretKey.length < MIN_KEY_BYTES) {
    throw new LetheError('invalid_input', `The subject key must be at least ${MIN_KEY_BYTES} bytes`);
  }
  const normalized = normalizeIdentifier(identifier);
  if (normalized.length === 0) throw new LetheError('invalid_input', 'An empty identifier has no subject reference');
  return createHmac('sha256', secretKey).update(normalized, 'utf8').digest('hex');
}

// --- verification -----------------------------------------------------------------------------

export type ChainBreak = 'hash_mismatch' | 'prev_mismatch' | 'seq_gap' | 'malformed' | 'head_mismatch';

export interface ChainHead {
  seq: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; count: number; head: ChainHead | null }
  | {
      ok: false;
      /** `seq` of the first entry that fails (as stored); for head_mismatch, the expected head's seq. */
      brokenAt: number;
      reason: ChainBreak;
      /** 0-based position of that entry in what was verified (entries seen, for head_mismatch). */
      index: number;
      /** The seq that position should have held. */
      expectedSeq: number;
    };

export interface VerifyOptions {
  /**
   * Verify a segment that continues from a known, trusted entry (a checkpoint) instead of from
   * genesis: the first entry must have seq `after.seq + 1` and prevHash `after.hash`.
   */
  after?: ChainHead;
  /** The head recorded elsewhere: the chain must end exactly there (catches a cut tail). */
  expectedHead?: ChainHead;
}

export interface ChainVerifier {
  /** Check the next entry; returns false once the chain is broken (later entries are ignored). */
  push(entry: unknown): boolean;
  result(): VerifyResult;
}

/** Incremental verifier, for entries arriving one at a time (a SQLite cursor, a stream). */
export function createChainVerifier(options: VerifyOptions = {}): ChainVerifier {
  let expectedSeq = options.after ? options.after.seq + 1 : FIRST_SEQ;
  let prevHash = options.after ? options.after.hash : GENESIS_HASH;
  let head: ChainHead | null = options.after ? { ...options.after } : null;
  let count = 0;
  let broken: Extract<VerifyResult, { ok: false }> | null = null;

  const breakAt = (reason: ChainBreak, brokenAt: number) => {
    broken = { ok: false, brokenAt, reason, index: count, expectedSeq };
    return false;
  };

  return {
    push(raw) {
      if (broken) return false;
      const parsed = auditEntrySchema.safeParse(raw);
      if (!parsed.success) {
        const seq = (raw as { seq?: unknown } | null)?.seq;
        return breakAt('malformed', typeof seq === 'number' ? seq : expectedSeq);
      }
      const entry = parsed.data;
      if (entry.seq !== expectedSeq) return breakAt('seq_gap', entry.seq);
      if (entry.prevHash !== prevHash) return breakAt('prev_mismatch', entry.seq);
      let hash: string;
      try {
        hash = computeEntryHash(entry);
      } catch {
        return breakAt('malformed', entry.seq);
      }
      if (hash !== entry.hash) return breakAt('hash_mismatch', entry.seq);
      count += 1;
      expectedSeq += 1;
      prevHash = entry.hash;
      head = { seq: entry.seq, hash: entry.hash };
      return true;
    },
    result() {
      if (broken) return broken;
      const want = options.expectedHead;
      if (want && (head === null || head.seq !== want.seq || head.hash !== want.hash)) {
        return { ok: false, brokenAt: want.seq, reason: 'head_mismatch', index: count, expectedSeq: want.seq };
      }
      return { ok: true, count, head };
    },
  };
}

/** Verify entries from any iterator (e.g. better-sqlite3 `.iterate()`), in constant memory. */
export function verifyChainIter(entries: Iterable<unknown>, options?: VerifyOptions): VerifyResult {
  const verifier = createChainVerifier(options);
  for (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.result();
}

/** Same as verifyChainIter, for asynchronous sources. */
export async function verifyChainAsync(
  entries: AsyncIterable<unknown> | Iterable<unknown>,
  options?: VerifyOptions,
): Promise<VerifyResult> {
  const verifier = createChainVerifier(options);
  for await (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.result();
}

/** Verify a whole chain held in memory, oldest first. */
export function verifyChain(entries: readonly unknown[], options?: VerifyOptions): VerifyResult {
  return verifyChainIter(entries, options);
}
