import { describe, expect, it } from 'vitest';
import { LetheError } from '../../../shared/errors';
import { assertSecondPerson, assertStaffName, nameKeys, sameName } from './approval';

describe('staff names for second-person approval', () => {
  it('are one person however the name is spelt: case, spacing, punctuation, width, accents, invisible characters, homoglyphs', () => {
    for (const variant of [
      'alice martin',
      'ALICE MARTIN',
      'Alice  Martin.',
      'Alice-Martin',
      '\u00a0Alice\tMartin\u200b',
      'Ａｌｉｃｅ Ｍａｒｔｉｎ',
      'Alíce Mártin',
      'аlісе Martin', // Cyrillic а, і, с, е
      'Αlice Μartin', // Greek Alpha and Mu
      'AIice Martin', // capital I for l
      'A|ice Martin',
      'Alice—Martin', // an em dash, which the table maps to a letter
    ]) {
      expect(sameName('Alice Martin', variant), variant).toBe(true);
    }
  });

  it('keeps different people apart', () => {
    for (const [a, b] of [
      ['Alice Martin', 'Alicia Martin'],
      ['Anna', 'Anne'],
      ['Bob', 'Rob'],
      ['李芳', '李方'],
    ]) {
      expect(sameName(a!, b!), `${a} / ${b}`).toBe(false);
    }
  });

  it('refuses "system" in any spelling and names with no letters or digits', () => {
    for (const name of ['system', 'SYSTEM', 'Sуstem', ' s y s t e m ', '...', '\u200b', '—']) {
      const error = (() => {
        try {
          assertStaffName(name, 'approver');
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error, name).toBeInstanceOf(LetheError);
      expect((error as LetheError).code, name).toBe('invalid_input');
    }
    expect(nameKeys('李芳')).toEqual(['李芳']);
  });

  it('refuses the preparer as approver with conflict', () => {
    expect(() => assertSecondPerson('alice.martin', 'Alice Martin')).toThrow(LetheError);
    expect(() => assertSecondPerson('Bob', 'Alice Martin')).not.toThrow();
  });
});
