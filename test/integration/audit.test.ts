import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/main/core/audit';
import { verifyChain } from '../../src/main/core/audit/chain';
import { REGISTER_MIGRATIONS } from '../../src/main/core/requests';
import { registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { createTestCore, type TestCore } from '../support/core';

let ctx: TestCore;
let reg: RegisterRouter;
let ws: string;

beforeEach(async () => {
  ctx = await createTestCore();
  reg = registerRouter(ctx.core.services);
  const created = await ctx.call('workspaces.create', {
    name: 'Acme',
    address: { subdomain: 'acme' },
    email: 'dpo@acme.example',
    apiToken: 'abcdefgh12345678',
  });
  if (!created.ok) throw new Error(created.error.message);
  ws = created.value.id;
});
afterEach(async () => ctx.dispose());

async function fiveEntries(): Promise<void> {
  for (let i = 1; i <= 5; i += 1) {
    await appendAudit(ctx.core.services, ws, { actor: 'dana', action: 'test.step', subject: `person${i}@example.test`, data: { step: i } });
  }
}

/** The register as someone holding the key could open it, triggers and all. */
async function rawDb() {
  return (await ctx.core.services.caches.openStore(ws, 'register', REGISTER_MIGRATIONS)).db;
}

describe('the audit log', () => {
  it('chains every entry and verifies from genesis', async () => {
    expect(await reg.must('audit.verify', {})).toMatchObject({
      ok: true,
      count: 0,
      total: 0,
      head: null,
      message: 'The audit log is empty.',
    });
    await fiveEntries();
    const result = await reg.must('audit.verify', {});
    expect(result).toMatchObject({ ok: true, count: 5, total: 5, brokenAt: null, reason: null });
    expect(result.head?.seq).toBe(5);
    const { entries } = await reg.must('audit.list', {});
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(entries[4]?.prevHash).toBe('0'.repeat(64));
    expect(entries[3]?.prevHash).toBe(entries[4]?.hash);
    expect(new Set(entries.map((e) => e.subjectRef)).size).toBe(5);
    expect((await reg.must('audit.list', { beforeSeq: 3, limit: 1 })).entries.map((e) => e.seq)).toEqual([2]);
  });

  it('refuses edits and deletes through SQL while its triggers stand', async () => {
    await fiveEntries();
    const db = await rawDb();
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('points at the first broken entry when a stored row is edited', async () => {
    await fiveEntries();
    const db = await rawDb();
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET data = '{"step":33}' WHERE seq = 3`).run();
    const result = await reg.must('audit.verify', {});
    expect(result).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch', count: 2, total: 5 });
    expect(result.message).toContain('entry 3');

    // An exported copy shows the same break, and the export adds nothing to a broken log.
    const exported = await reg.must('audit.export', { format: 'json' });
    expect(exported.verify).toMatchObject({ ok: false, brokenAt: 3 });
    const doc = JSON.parse(exported.content) as { entries: unknown[] };
    expect(doc.entries).toHaveLength(5);
    expect(verifyChain(doc.entries)).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
  });

  it('sees a removed entry as a gap in the sequence', async () => {
    await fiveEntries();
    const db = await rawDb();
    db.exec('DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update');
    db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    expect(await reg.must('audit.verify', {})).toMatchObject({ ok: false, brokenAt: 5, reason: 'seq_gap' });
  });

  it('exports for a regulator as CSV and JSON, each recorded in the log', async () => {
    await fiveEntries();
    const csv = await reg.must('audit.export', { format: 'csv', actor: 'dana' });
    expect(csv.mediaType).toBe('text/csv');
    const lines = csv.content.replace(/\r\n$/, '').split('\r\n');
    expect(lines[0]).toBe('\uFEFFseq,at,actor,action,subjectRef,requestId,data,prevHash,hash');
    expect(lines).toHaveLength(7); // header, five entries, the export itself
    expect(lines[6]).toContain('audit.exported');
    expect(csv.verify).toMatchObject({ ok: true, count: 6 });
    const json = await reg.must('audit.export', { format: 'json' });
    const doc = JSON.parse(json.content) as { entries: unknown[]; verification: { ok: boolean; head: { seq: number } } };
    expect(verifyChain(doc.entries)).toMatchObject({ ok: true, count: 7 });
    expect(doc.verification.head.seq).toBe(7);
  });

  it('will not make a new subject key when the log already names subjects with the old one', async () => {
    await fiveEntries();
    await ctx.secrets.delete(`${ws}/audit-key`);
    // A fresh core, so nothing is cached in memory.
    await ctx.core.close();
    const { createCore } = await import('../../src/main/core/create-core');
    const { createMemoryLogger } = await import('../../src/main/core/log/logger');
    const core = await createCore({ dataDir: ctx.dataDir, face: 'cli', secrets: ctx.secrets, log: createMemoryLogger() });
    try {
      await expect(appendAudit(core.services, ws, { actor: 'dana', action: 'test.step', data: {} })).rejects.toMatchObject({
        code: 'secret_missing',
      });
      expect(await ctx.secrets.get(`${ws}/audit-key`)).toBeNull();
    } finally {
      await core.close();
    }
  });

  it('refuses personal data in entry data and malformed actions', async () => {
    await expect(
      appendAudit(ctx.core.services, ws, { actor: 'dana', action: 'test.step', data: { phone: '+44 20 7946 0958' } }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(appendAudit(ctx.core.services, ws, { actor: 'dana', action: 'Not An Action', data: {} })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect((await reg.must('audit.list', {})).total).toBe(0);
  });
});
