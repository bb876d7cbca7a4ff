import { describe, expect, it } from 'vitest';
import { assertNoPersonalData, looksLikeEmail, looksLikePhone } from './chain-guard';

describe('assertNoPersonalData', () => {
  it.each([
    ['email value', { note: 'sent to alice@example.com' }, /data\.note looks like an email/],
    ['email in caps', { to: 'BOB.SMITH@Example.CO.UK' }, /email/],
    ['email nested in an array', { recipients: [{ addr: 'x@y.io' }] }, /data\.recipients\[0\]\.addr looks like an email/],
    ['email as a key', { byEmail: { 'carol@example.org': 1 } }, /a key in data\.byEmail looks like an email/],
    ['international phone', { phone: '+44 20 7946 0958' }, /phone/],
    ['international phone, no spaces', { p: '+14155550100' }, /phone/],
    ['US formatted phone', { p: '(415) 555-0100' }, /phone/],
    ['dotted phone', { p: 'call 415.555.0100 today' }, /phone/],
    ['00-prefixed phone', { p: '0049 30 1234567' }, /phone/],
    ['national with area code', { p: '030 12345678' }, /phone/],
  ])('rejects %s', (_name, data, message) => {
    expect(() => assertNoPersonalData(data)).toThrow(message);
  });

  it('never puts the offending value in the message', () => {
    try {
      assertNoPersonalData({ weird: { 'dave@example.com': 'x' }, n: 'eve@example.com' });
      expect.unreachable();
    } catch (e) {
      expect(String((e as Error).message)).not.toMatch(/example\.com|dave|eve/);
      expect((e as { code?: string }).code).toBe('invalid_input');
    }
  });

  it.each([
    ['ISO date', { due: '2024-04-01' }],
    ['ISO instant', { at: '2024-03-01T09:00:00.000Z' }],
    ['European date', { d: '31.01.2024' }],
    ['UUID', { id: '123e4567-e89b-12d3-a456-426614174000' }],
    ['sha256', { hash: 'c11795b90d10d123ce2dbf575a93a74ca90504a070ea7c0945f0ed33039a247d' }],
    ['ids and counts', { requestId: 'req_001', tickets: [12345678, 23456789], count: 3, ticketId: '12345678' }],
    ['article citation', { basis: 'GDPR Art. 12(3); Reg. (EEC, Euratom) No 1182/71 Art. 3' }],
    ['version', { v: '1.2.3' }],
    ['decimal text', { ratio: '3.14159265' }],
    ['booleans and nulls', { a: true, b: null }],
    // Documented limits: what the patterns cannot see passes.
    ['(limit) national number without separators', { p: '4155550100' }],
    ['(limit) a name', { who: 'Alice Liddell' }],
  ])('accepts %s', (_name, data) => {
    expect(() => assertNoPersonalData(data)).not.toThrow();
  });

  it('exposes the two predicates', () => {
    expect(looksLikeEmail('a@b.co')).toBe(true);
    expect(looksLikeEmail('user@localhost')).toBe(false); // no TLD: not matched
    expect(looksLikePhone('+1 (415) 555-0100')).toBe(true);
    expect(looksLikePhone('+12 34')).toBe(false); // too few digits
  });
});
