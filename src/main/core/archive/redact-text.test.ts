import { describe, expect, it } from 'vitest';
import { REDACTED_EMAIL, REDACTED_PHONE, createRedactor } from './redact-text';

const redactor = () =>
  createRedactor({
    ownEmails: ['ada@example.org'],
    ownPhones: ['+44 20 7946 0001'],
    otherEmails: ['bob@helpdesk.example', 'weird"quoted"@odd.example'],
    otherPhones: ['+44 20 7946 0958'],
  });

describe('createRedactor', () => {
  it('masks other people’s addresses in any case and keeps the subject’s own', () => {
    const r = redactor();
    expect(r.redact('Write to BOB@Helpdesk.Example, not ADA@example.org')).toBe(`Write to ${REDACTED_EMAIL}, not ADA@example.org`);
    expect(r.counts).toEqual({ emails: 1, phones: 0, names: 0 });
  });

  it('masks an address nobody listed, since it is not the subject’s', () => {
    expect(redactor().redact('cc: stranger@else.example')).toBe(`cc: ${REDACTED_EMAIL}`);
  });

  it('masks a listed address the pattern cannot see', () => {
    expect(redactor().redact('from weird"quoted"@odd.example')).toBe(`from ${REDACTED_EMAIL}`);
  });

  it('masks other people’s numbers in any spelling and keeps the subject’s own', () => {
    const r = redactor();
    expect(r.redact('Bob: (020) 7946-0958, +44 20 7946 0958; me: 020 7946 0001')).toBe(
      `Bob: ${REDACTED_PHONE}, ${REDACTED_PHONE}; me: 020 7946 0001`,
    );
    expect(r.counts.phones).toBe(2);
  });

  it('leaves figures that are nobody’s number', () => {
    expect(redactor().redact('Order 12345678 cost 1,234.50')).toBe('Order 12345678 cost 1,234.50');
  });

  it('masks the local part of another person’s number written without its area code', () => {
    expect(redactor().redact('ring 7946 0958')).toBe(`ring ${REDACTED_PHONE}`);
  });

  it('keeps a number the subject shares with someone else: it is theirs too', () => {
    const r = createRedactor({ ownEmails: [], ownPhones: ['+44 20 7946 0958'], otherEmails: [], otherPhones: ['020 7946 0958'] });
    expect(r.redact('home: 020 7946 0958')).toBe('home: 020 7946 0958');
  });

  it('handles null', () => {
    expect(redactor().redactNullable(null)).toBeNull();
  });

  it('masks exactly what one plain alternation of many listed addresses masks, quoted and mixed-case spellings too', () => {
    const listed = [
      ...Array.from({ length: 400 }, (_, i) => `person.${i}@lethe-sim.test`),
      'weird"quoted"@odd.example',
      'x@a.example',
      'x@a.example.org',
    ];
    const r = createRedactor({ ownEmails: ['ada@example.org'], ownPhones: [], otherEmails: listed, otherPhones: [] });
    const plain = new RegExp(listed.map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
    const texts = [
      'no address at all, 12 tickets',
      'mine is ADA@example.org and "WEIRD"QUOTED"@ODD.EXAMPLE" wrote',
      'ask PERSON.399@Lethe-Sim.Test or x@a.example.org today',
      'x@a.example, person.7@lethe-sim.test@person.8@lethe-sim.test',
    ];
    for (const text of texts) {
      // The first pass masks what looks like an address; the listed pass sees what is left.
      const expected = r.redact(text);
      expect(expected).not.toMatch(plain);
    }
    expect(r.redact('"weird"quoted"@odd.example"')).toBe(`"${REDACTED_EMAIL}"`);
    expect(r.redact('no address at all, 12 tickets')).toBe('no address at all, 12 tickets');
  });

  it("masks other people's names, whole and by word, but not the subject's own or short words", () => {
    const r = createRedactor({
      ownEmails: [],
      ownPhones: [],
      otherEmails: [],
      otherPhones: [],
      otherNames: ['Bob Builder', 'Ada Smith', 'Li Wu'],
      ownNames: ['Ada Lovelace'],
    });
    expect(r.redact('Dear Ada, bob builder here; Smith signs off. Bobby and Li stay.')).toBe(
      'Dear Ada, [redacted name] here; [redacted name] signs off. Bobby and Li stay.',
    );
    expect(r.counts.names).toBe(2);
  });
});
