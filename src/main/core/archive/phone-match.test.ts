import { describe, expect, it } from 'vitest';
import { PhoneSet, findPhones, phoneDigits, samePhone } from './phone-match';

describe('phone numbers compared as digits', () => {
  it.each([
    ['+44 20 7946 0958', '02079460958'],
    ['+44 20 7946 0958', '(020) 7946-0958'],
    ['+44 20 7946 0958', '0044 20 7946 0958'],
    ['+44 20 7946 0958', '+44 (0)20 7946 0958'],
    ['+44 20 7946 0958', '7946 0958'],
    ['+1 415 555 0199', '415-555-0199'],
    ['+1 415 555 0199', '(415) 555.0199'],
    ['+33 1 23 45 67 89', '01 23 45 67 89'],
  ])('%s is the same number as %s', (a, b) => {
    expect(samePhone(a, b)).toBe(true);
    expect(samePhone(b, a)).toBe(true);
  });

  it.each([
    ['+44 20 7946 0958', '+44 20 7946 0959'],
    ['+1 202 555 0143', '+44 202 555 0143'],
    ['+44 20 7946 0958', '46 0958'], // six digits: too short to say
    ['+1 415 555 0199', '555 0199 1'],
  ])('%s is not %s', (a, b) => {
    expect(samePhone(a, b)).toBe(false);
  });

  it('drops the international prefix, the trunk zero and an optional (0)', () => {
    expect(phoneDigits('+44 (0)20 7946 0958')).toBe('442079460958');
    expect(phoneDigits('0044 20 7946 0958')).toBe('442079460958');
    expect(phoneDigits('(020) 7946-0958')).toBe('2079460958');
  });
});

describe('findPhones', () => {
  const own = new PhoneSet(['+44 20 7946 0001']);
  const others = new PhoneSet(['+44 20 7946 0958', '+1 415 555 0199']);
  const spans = (text: string) => findPhones(text, own, others).map((s) => [text.slice(s.start, s.end), s.owner]);

  it('finds each spelling of another person’s number, with its leading plus or bracket', () => {
    expect(spans('ring +44 20 7946 0958 or (020) 7946-0958 or 02079460958 today')).toEqual([
      ['+44 20 7946 0958', 'other'],
      ['(020) 7946-0958', 'other'],
      ['02079460958', 'other'],
    ]);
  });

  it('separates a number from a figure that follows it across a line break', () => {
    expect(spans('call 020 7946 0958\n2 invoices')).toEqual([['020 7946 0958', 'other']]);
  });

  it('separates two numbers written one after the other', () => {
    expect(spans('415 555 0199 020 7946 0958')).toEqual([
      ['415 555 0199', 'other'],
      ['020 7946 0958', 'other'],
    ]);
  });

  it('marks the subject’s own number as own, and ignores ordinary figures', () => {
    expect(spans('mine is 020 7946 0001; order 12345678; on 2025-01-10 at 10:30, £1,000,000')).toEqual([['020 7946 0001', 'own']]);
  });

  it('finds nothing when there are no other numbers to look for', () => {
    expect(findPhones('020 7946 0958', own, new PhoneSet([]))).toEqual([]);
  });
});
