import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../support/core';

// The New request form's rules, at the real boundary: the contract refuses what the form refuses.
let ctx: TestCore;
beforeEach(async () => {
  ctx = await createTestCore();
  const created = await ctx.call('workspaces.create', {
    name: 'Acme',
    address: { subdomain: 'acme' },
    email: 'dpo@acme.example',
    apiToken: 'abcdefgh12345678',
  });
  if (!created.ok) throw new Error(created.error.message);
});
afterEach(async () => ctx.dispose());

const base = {
  type: 'access' as const,
  regulation: 'GDPR' as const,
  channel: 'email' as const,
  receivedAt: '2025-03-01T09:30:00+01:00',
  requester: { email: 'ada@example.test' },
};

async function refused(patch: Record<string, unknown>): Promise<string> {
  const result = await ctx.call('requests.create', { ...base, ...patch } as never);
  expect(result.ok).toBe(false);
  if (result.ok) return '';
  expect(result.error.code).toBe('invalid_input');
  return result.error.message;
}

describe('requests.create refuses what no officer meant to record', () => {
  it('a request with no name, e-mail or phone', async () => {
    expect(await refused({ requester: {} })).toContain('requester: give at least one way to reach the requester');
    expect(await refused({ requester: { name: '   ', phone: '' } })).toContain('a name, an e-mail address or a phone number');
  });

  it('a received date in the future', async () => {
    const nextYear = new Date(Date.now() + 200 * 86_400_000).toISOString();
    expect(await refused({ receivedAt: nextYear })).toBe('receivedAt: cannot be in the future');
  });

  it('a received date before the regulation applied (1900, or CCPA in 2019)', async () => {
    expect(await refused({ receivedAt: '1900-03-01T09:30:00Z' })).toBe(
      'receivedAt: cannot be before 2018-05-25, when the GDPR began to apply',
    );
    expect(await refused({ regulation: 'CCPA', receivedAt: '2019-12-31T09:30:00-08:00' })).toContain('before 2020-01-01');
  });

  it('a bad e-mail, in words', async () => {
    expect(await refused({ requester: { email: 'a@b' } })).toBe('requester.email: an e-mail address such as name@example.com');
  });

  it('an owner longer than the form allows', async () => {
    expect(await refused({ owner: 'x'.repeat(10_000) })).toContain('owner');
  });

  it('and records nothing for any of them, while a sound request passes', async () => {
    await refused({ requester: {} });
    await refused({ receivedAt: '1900-03-01T09:30:00Z' });
    const list = await ctx.call('requests.list', { includeUnverified: true, includeClosed: true });
    expect(list.ok && list.value.requests).toEqual([]);
    const ok = await ctx.call('requests.create', { ...base, requester: { phone: '+49 30 1234567' } });
    expect(ok.ok).toBe(true);
  });
});

describe('the register counts public holidays (issue #19, item 12)', () => {
  it('a GDPR request received in Berlin on 1 December 2026 is not due on New Year’s Day, and says which calendar', async () => {
    await ctx.call('settings.set', { timeZone: 'Europe/Berlin' });
    const created = await ctx.call('requests.create', { ...base, receivedAt: '2026-12-01T10:00:00+01:00' });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.deadlines).toMatchObject({ due: '2027-01-04' });
    expect(created.value.deadlines?.rule).toContain('Public holidays of Germany (DE)');
    expect(created.value.deadlines?.rule).toContain("2027-01-01 (Friday) is a public holiday (New Year's Day)");

    // Switched off in the register settings: the old date, and the explanation says so.
    const settings = await ctx.call('requests.getSettings', {});
    if (!settings.ok) throw new Error(settings.error.message);
    await ctx.call('requests.setSettings', {
      deadlines: { ...settings.value.deadlines, GDPR: { ...settings.value.deadlines.GDPR, publicHolidays: 'none' } },
    });
    const again = await ctx.call('requests.get', { id: created.value.id });
    expect(again.ok && again.value.request.deadlines?.due).toBe('2027-01-01');

    const choices = await ctx.call('requests.holidayCalendars', {});
    expect(choices.ok && choices.value.defaults.GDPR).toEqual({ code: 'DE', name: 'Germany' });
  });
});
