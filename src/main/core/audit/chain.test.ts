import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  computeEntryHash,
  createChainVerifier,
  GENESIS_HASH,
  normalizeIdentifier,
  subjectRef,
  verifyChain,
  verifyChainAsync,
  verifyChainIter,
  type AuditEntry,
} from './chain';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const OTHER_KEY = Buffer.alloc(32, 7);

const ACTIONS = ['request.created', 'request.verified', 'erasure.previewed', 'erasure.executed', 'request.closed'];

/** A chain of `n` entries with varied fields; timestamps one minute apart from a fixed start. */
function buildChain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev: AuditEntry | null = null;
  for (let i = 0; i < n; i++) {
    prev = appendEntry(prev, {
      at: new Date(Date.UTC(2024, 2, 1, 9, i)).toISOString(),
      actor: `staff_${i % 3}`,
      action: ACTIONS[i % ACTIONS.length]!,
      subjectRef: i % 4 === 0 ? null : subjectRef(KEY, `subject${i % 5}@example.com`),
      requestId: i % 2 === 0 ? `req_${Math.floor(i / 5)}` : null,
      data: { step: i, tickets: [i * 10, i * 10 + 1], outcome: { kept: i % 3, redacted: i % 2 === 0 } },
    });
    out.push(prev);
  }
  return out;
}

const N = 200;
const chain = buildChain(N);
const clone = (entries: AuditEntry[]) => structuredClone(entries);

describe('appendEntry', () => {
  it('hashes a fixed entry to a fixed value', () => {
    const e = appendEntry(null, {
      at: '2024-03-01T09:00:00.000Z',
      actor: 'staff_42',
      action: 'request.created',
      requestId: 'req_001',
      data: { type: 'access', regulation: 'GDPR', due: '2024-04-01' },
    });
    // sha256 of 64 zeros followed by
    // {"action":"request.created","actor":"staff_42","at":"2024-03-01T09:00:00.000Z",
    //  "data":{"due":"2024-04-01","regulation":"GDPR","type":"access"},"prevHash":"000…0",
    //  "requestId":"req_001","seq":1,"subjectRef":null}
    // computed independently with `printf … | sha256sum`.
    expect(e).toEqual({
      seq: 1,
      at: '2024-03-01T09:00:00.000Z',
      actor: 'staff_42',
      action: 'request.created',
      subjectRef: null,
      requestId: 'req_001',
      data: { type: 'access', regulation: 'GDPR', due: '2024-04-01' },
      prevHash: GENESIS_HASH,
      hash: 'c11795b90d10d123ce2dbf575a93a74ca90504a070ea7c0945f0ed33039a247d',
    });
    // Same fields in another key order: same hash.
    const reordered = appendEntry(null, {
      data: { due: '2024-04-01', type: 'access', regulation: 'GDPR' },
      requestId: 'req_001',
      action: 'request.created',
      actor: 'staff_42',
      at: '2024-03-01T09:00:00.000Z',
    });
    expect(reordered.hash).toBe(e.hash);
  });

  it('links each entry to the previous one', () => {
    expect(chain[0]!.seq).toBe(1);
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < N; i++) {
      expect(chain[i]!.seq).toBe(i + 1);
      expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    }
    expect(new Set(chain.map((e) => e.hash)).size).toBe(N);
  });

  it('copies data, so mutating the caller object later cannot desynchronise the hash', () => {
    const data = { n: 1, list: [1] };
    const e = appendEntry(null, { at: '2024-03-01T09:00:00Z', actor: 'staff_1', action: 'request.created', data });
    data.n = 2;
    data.list.push(2);
    expect(e.data).toEqual({ n: 1, list: [1] });
    expect(verifyChain([e])).toEqual({ ok: true, count: 1, head: { seq: 1, hash: e.hash } });
  });

  const base = { at: '2024-03-01T09:00:00Z', actor: 'staff_1', action: 'request.created' };
  it.each([
    ['an action that is not dotted lowercase', { ...base, action: 'Created' }],
    ['a missing time', { actor: 'staff_1', action: 'request.created' }],
    ['a time without offset', { ...base, at: '2024-03-01T09:00:00' }],
    ['an empty actor', { ...base, actor: '  ' }],
    ['a subjectRef that is not a hash', { ...base, subjectRef: 'alice@example.com' }],
    ['an unknown field', { ...base, email: 'x' }],
    ['non-JSON data', { ...base, data: { when: new Date(0) } }],
    ['NaN in data', { ...base, data: { n: NaN } }],
    ['an email in data', { ...base, data: { note: 'from alice@example.com' } }],
    ['a phone number in data', { ...base, data: { note: 'call +44 20 7946 0958' } }],
  ])('refuses %s', (_name, fields) => {
    expect(() => appendEntry(null, fields as never)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('verifyChain', () => {
  it(`verifies a chain of ${N} entries`, () => {
    expect(verifyChain(chain)).toEqual({ ok: true, count: N, head: { seq: N, hash: chain[N - 1]!.hash } });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  type Edit = [field: string, edit: (e: AuditEntry) => void, reason: string];
  const edits: Edit[] = [
    ['data', (e) => ((e.data as { step: number }).step += 1000), 'hash_mismatch'],
    ['data (added key)', (e) => (e.data.extra = true), 'hash_mismatch'],
    ['at', (e) => (e.at = '2030-01-01T00:00:00.000Z'), 'hash_mismatch'],
    ['action', (e) => (e.action = 'request.deleted'), 'hash_mismatch'],
    ['actor', (e) => (e.actor = 'staff_999'), 'hash_mismatch'],
    ['subjectRef', (e) => (e.subjectRef = 'f'.repeat(64)), 'hash_mismatch'],
    ['requestId', (e) => (e.requestId = 'req_other'), 'hash_mismatch'],
    ['hash', (e) => (e.hash = 'e'.repeat(64)), 'hash_mismatch'],
    ['prevHash', (e) => (e.prevHash = 'a'.repeat(64)), 'prev_mismatch'],
  ];
  const positions = [0, 1, 57, N - 1];
  for (const [field, edit, reason] of edits) {
    it.each(positions)(`detects an edited ${field} at index %i exactly there`, (index) => {
      const tampered = clone(chain);
      edit(tampered[index]!);
      expect(verifyChain(tampered)).toEqual({
        ok: false,
        brokenAt: index + 1,
        reason,
        index,
        expectedSeq: index + 1,
      });
    });
  }

  it('detects an edited seq', () => {
    const tampered = clone(chain);
    tampered[57]!.seq = 500;
    expect(verifyChain(tampered)).toEqual({ ok: false, brokenAt: 500, reason: 'seq_gap', index: 57, expectedSeq: 58 });
  });

  it.each([0, 57, N - 2])('detects a deleted entry at index %i', (index) => {
    const tampered = clone(chain);
    tampered.splice(index, 1);
    // The entry after the gap is the first that does not fit.
    expect(verifyChain(tampered)).toEqual({
      ok: false,
      brokenAt: index + 2,
      reason: 'seq_gap',
      index,
      expectedSeq: index + 1,
    });
  });

  it('detects a deleted entry even when the later ones are renumbered', () => {
    const tampered = clone(chain);
    tampered.splice(57, 1);
    for (let i = 57; i < tampered.length; i++) tampered[i]!.seq = i + 1;
    const r = verifyChain(tampered);
    expect(r).toMatchObject({ ok: false, brokenAt: 58, reason: 'prev_mismatch', index: 57 });
  });

  it('detects swapped entries', () => {
    const tampered = clone(chain);
    [tampered[10], tampered[11]] = [tampered[11]!, tampered[10]!];
    expect(verifyChain(tampered)).toEqual({ ok: false, brokenAt: 12, reason: 'seq_gap', index: 10, expectedSeq: 11 });
    // Swapped and renumbered: the links no longer match.
    tampered[10]!.seq = 11;
    tampered[11]!.seq = 12;
    expect(verifyChain(tampered)).toMatchObject({ ok: false, brokenAt: 11, reason: 'prev_mismatch' });
  });

  it('detects an inserted entry, even a correctly chained forgery, at the first entry that no longer fits', () => {
    const forged = appendEntry(chain[9]!, { at: '2024-03-01T09:09:30Z', actor: 'staff_0', action: 'request.closed' });
    const tampered = clone(chain);
    tampered.splice(10, 0, forged);
    // The forgery (seq 11, linked to seq 10) passes; the original seq 11 after it does not.
    expect(verifyChain(tampered)).toEqual({ ok: false, brokenAt: 11, reason: 'seq_gap', index: 11, expectedSeq: 12 });
  });

  it('catches a cut tail or a rewritten history only with the head kept elsewhere', () => {
    const head = { seq: N, hash: chain[N - 1]!.hash };
    const cut = chain.slice(0, N - 3);
    expect(verifyChain(cut).ok).toBe(true);
    expect(verifyChain(cut, { expectedHead: head })).toEqual({
      ok: false,
      brokenAt: N,
      reason: 'head_mismatch',
      index: N - 3,
      expectedSeq: N,
    });
    // Rewriting from entry 100 onwards with valid hashes fools the chain, not the head.
    const rewritten = chain.slice(0, 100);
    for (let i = 100; i < N; i++) {
      rewritten.push(appendEntry(rewritten[i - 1]!, { at: '2024-03-02T00:00:00Z', actor: 'staff_0', action: 'request.closed' }));
    }
    expect(verifyChain(rewritten).ok).toBe(true);
    expect(verifyChain(rewritten, { expectedHead: head })).toMatchObject({ ok: false, reason: 'head_mismatch' });
    expect(verifyChain(chain, { expectedHead: head }).ok).toBe(true);
  });

  it('refuses a chain that does not start at genesis', () => {
    expect(verifyChain(chain.slice(1))).toMatchObject({ ok: false, brokenAt: 2, reason: 'seq_gap', expectedSeq: 1 });
    const fakeGenesis = clone(chain.slice(0, 1));
    fakeGenesis[0]!.prevHash = 'b'.repeat(64);
    fakeGenesis[0]!.hash = computeEntryHash(fakeGenesis[0]!);
    expect(verifyChain(fakeGenesis)).toMatchObject({ ok: false, brokenAt: 1, reason: 'prev_mismatch' });
  });

  it('verifies a segment from a trusted checkpoint', () => {
    const after = { seq: 100, hash: chain[99]!.hash };
    expect(verifyChain(chain.slice(100), { after })).toEqual({ ok: true, count: N - 100, head: { seq: N, hash: chain[N - 1]!.hash } });
    expect(verifyChain(chain.slice(100), { after: { seq: 100, hash: '0'.repeat(64) } })).toMatchObject({
      ok: false,
      brokenAt: 101,
      reason: 'prev_mismatch',
    });
  });

  it.each([
    ['a missing field', (e: Record<string, unknown>) => delete e.data],
    ['a wrong type', (e: Record<string, unknown>) => (e.seq = '58')],
    ['non-JSON data', (e: Record<string, unknown>) => ((e.data as Record<string, unknown>).x = NaN)],
  ])('reports a malformed entry: %s', (_name, edit) => {
    const tampered = clone(chain);
    edit(tampered[57] as unknown as Record<string, unknown>);
    expect(verifyChain(tampered)).toMatchObject({ ok: false, reason: 'malformed', index: 57, expectedSeq: 58 });
  });

  it('ignores extra stored columns', () => {
    const rows = chain.slice(0, 5).map((e, i) => ({ ...e, rowid: i + 1 }));
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: 5 });
  });
});

describe('streaming verification', () => {
  it('pulls entries lazily and stops at the first break', () => {
    const tampered = clone(chain);
    tampered[20]!.action = 'request.deleted';
    let pulled = 0;
    function* rows() {
      for (const e of tampered) {
        pulled += 1;
        yield e;
      }
    }
    expect(verifyChainIter(rows())).toMatchObject({ ok: false, brokenAt: 21, reason: 'hash_mismatch' });
    expect(pulled).toBe(21);
  });

  it('works over an async source', async () => {
    async function* rows() {
      for (const e of chain) yield e;
    }
    await expect(verifyChainAsync(rows())).resolves.toMatchObject({ ok: true, count: N });
  });

  it('works entry by entry', () => {
    const v = createChainVerifier();
    expect(v.push(chain[0])).toBe(true);
    expect(v.push(chain[2])).toBe(false);
    expect(v.push(chain[1])).toBe(false); // stays broken
    expect(v.result()).toMatchObject({ ok: false, brokenAt: 3, reason: 'seq_gap' });
  });
});

describe('subjectRef', () => {
  it('is HMAC-SHA256 of the normalized identifier (vectors from openssl dgst -hmac)', () => {
    // printf 'alice@example.com' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f
    expect(subjectRef(KEY, '  Alice@Example.COM ')).toBe('a59fc578d4cb46faab1d6eb348e7c74b33b85122d6459fdb7bf5654b333acab4');
    // printf '+442079460958' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f
    expect(subjectRef(KEY, '+44 (0)20 7946 0958')).toBe('a75abb9dfad24399a6d95b1cf229b393c2cd442395f784d29b49450280986e66');
  });

  it('is stable and differs per key and per subject', () => {
    const a = subjectRef(KEY, 'alice@example.com');
    expect(subjectRef(KEY, 'alice@example.com')).toBe(a);
    expect(subjectRef(OTHER_KEY, 'alice@example.com')).not.toBe(a);
    expect(subjectRef(KEY, 'alicia@example.com')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['(415) 555-0100', '4155550100'], // no country is guessed
    ['415.555.0100', '4155550100'],
    [' 12345678 ', '12345678'], // a Zendesk user id
    [' jdoe ', 'jdoe'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeIdentifier(input)).toBe(expected);
  });

  it('refuses a short key and an empty identifier', () => {
    expect(() => subjectRef(Buffer.alloc(8), 'a@b.co')).toThrow(/at least 16 bytes/);
    expect(() => subjectRef(KEY, '   ')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});
