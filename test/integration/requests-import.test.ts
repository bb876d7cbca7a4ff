import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { createTestCore, type TestCore } from '../support/core';

let ctx: TestCore;
let reg: RegisterRouter;

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
  await ctx.call('settings.set', { timeZone: 'America/Los_Angeles' });
});
afterEach(async () => ctx.dispose());

const HEADER = 'type,regulation,channel,receivedAt,requesterName,requesterEmail,owner,notes,status,statusReason,denialArticle,closedAt';
const GOOD = [
  'access,GDPR,email,2025-03-01T09:30:00+01:00,Ada Example,ada@example.test,Dana,,,,,',
  'erasure,CCPA,web_form,2025-02-01,Sam Sample,sam@example.test,,"multi\nline, notes",,,,',
  'opt-out,ccpa,,2025-01-05,,,,,completed,,,2025-01-09T12:00:00Z',
  'access,UK GDPR,post,2025-01-05,Bo,,,,denied,Could not identify,UK GDPR Art. 11(2),2025-02-01T12:00:00Z',
];

const everything = () => reg.must('requests.list', { includeClosed: true, includeUnverified: true }).then((l) => l.requests);

describe('CSV import', () => {
  it('dry-runs a good file without importing, then imports every row', async () => {
    const csv = `\uFEFF${HEADER}\n${GOOD.join('\n')}\n`;
    expect(await reg.must('requests.importCsv', { csv, dryRun: true })).toEqual({
      dryRun: true,
      rows: 4,
      errors: [],
      imported: 0,
      ids: [],
    });
    expect(await everything()).toEqual([]);
    expect((await reg.must('audit.list', {})).total).toBe(0);

    const result = await reg.must('requests.importCsv', { csv, dryRun: false, actor: 'dana' });
    expect(result).toMatchObject({ dryRun: false, rows: 4, errors: [], imported: 4 });
    const all = await everything();
    expect(all).toHaveLength(4);
    const sam = all.find((r) => r.requester.email === 'sam@example.test');
    // A plain date is the start of that day in the organization's zone.
    expect(sam).toMatchObject({
      regulation: 'CCPA',
      type: 'erasure',
      receivedAt: '2025-02-01T08:00:00.000Z',
      timeZone: 'America/Los_Angeles',
      notes: 'multi\nline, notes',
    });
    expect(sam?.deadlines?.due).toBe('2025-03-18');
    expect(all.find((r) => r.type === 'opt-out')).toMatchObject({
      status: 'completed',
      channel: 'other',
      closedAt: '2025-01-09T12:00:00Z',
    });
    expect(all.find((r) => r.regulation === 'UK_GDPR')).toMatchObject({ status: 'denied', denialArticle: 'UK GDPR Art. 11(2)' });
    const log = await reg.must('audit.list', {});
    expect(log.entries.map((e) => e.action)).toEqual([
      'register.imported',
      'request.created',
      'request.created',
      'request.created',
      'request.created',
    ]);
    expect(log.entries[1]?.data).toMatchObject({ source: 'csv_import' });
  });

  it('reports every bad row with its line and column, and imports nothing, dry run or not', async () => {
    const bad = [
      GOOD[0],
      'access,GDPR,email,yesterday,Ada,ada@example.test,,,,,,',
      'objection,CCPA,email,2025-03-01,,,,,,,,',
      'access,GDPR,fax,2025-03-01,,not-an-email,,,,,,',
      'access,GDPR,email,2025-03-01,,,,,denied,,,2025-03-02T00:00:00Z',
      'access,GDPR,email,2025-03-01',
    ];
    const csv = `${HEADER}\n${bad.join('\n')}\n`;
    for (const dryRun of [true, false]) {
      const result = await reg.must('requests.importCsv', { csv, dryRun });
      expect(result.imported).toBe(0);
      expect(result.rows).toBe(6);
      expect(result.errors).toEqual([
        { row: 3, column: 'receivedAt', message: expect.stringContaining('ISO date-time') },
        { row: 4, column: null, message: expect.stringContaining('opt-out') },
        { row: 5, column: 'channel', message: expect.any(String) },
        { row: 5, column: 'requesterEmail', message: expect.any(String) },
        { row: 6, column: null, message: expect.stringContaining('reason and the article') },
        { row: 7, column: null, message: 'Has 4 cells; the header has 12' },
      ]);
    }
    expect(await everything()).toEqual([]);
    expect((await reg.must('audit.list', {})).total).toBe(0);
  });

  it('refuses unknown or missing columns and unreadable CSV', async () => {
    const typo = await reg.must('requests.importCsv', { csv: 'type,regulation,recievedAt\naccess,GDPR,2025-03-01\n', dryRun: true });
    expect(typo.errors).toEqual([
      { row: 1, column: 'recievedAt', message: expect.stringContaining('Unknown column') },
      { row: 1, column: 'receivedAt', message: 'Required column is missing' },
    ]);
    const broken = await reg.must('requests.importCsv', { csv: 'type,regulation,receivedAt\n"access,GDPR,2025-03-01\n', dryRun: false });
    expect(broken.errors[0]?.message).toMatch(/^Not readable as CSV/);
    expect(await everything()).toEqual([]);
  });

  it('re-imports its own CSV export', async () => {
    await reg.must('requests.importCsv', { csv: `${HEADER}\n${GOOD.join('\n')}\n`, dryRun: false });
    const exported = await reg.must('requests.export', { format: 'csv' });
    const again = await reg.must('requests.importCsv', { csv: exported.content, dryRun: true });
    expect(again).toMatchObject({ rows: 4, errors: [] });
  });
});
