import { userInfo } from 'node:os';
import unhomoglyph from 'unhomoglyph';
import { LetheError } from '../../../shared/errors';

/**
 * Second-person approval until team mode gives Lethe real identities: names are declared, so the
 * most Lethe can do is refuse a name that is the preparer's written another way, and names that
 * say nobody.
 */

const plain = (name: string): string => name.normalize('NFKC').normalize('NFD').replace(/\p{M}/gu, '');
const lettersOnly = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * The comparison keys of a staff name. NFKC (full-width, ligatures), accents dropped, Unicode
 * confusables mapped to the letters they imitate (after UTS #39's confusables table, through the
 * unhomoglyph package), then only letters and digits kept, so spacing, punctuation and invisible
 * characters make no difference. The table is case-sensitive ("I" imitates "l", Cyrillic "М"
 * imitates "M" but its small "м" does not imitate "m") and maps some punctuation to letters ("|"
 * to "l", but also "—" to "ー"), so a name has up to four keys: confusables mapped after case
 * folding or before it, with punctuation removed before the mapping or only after. Two names are
 * one person when any of their keys agree.
 */
export function nameKeys(name: string): string[] {
  const keys = new Set<string>();
  for (const base of [plain(name), plain(name).replace(/[^\p{L}\p{N}]/gu, '')]) {
    keys.add(lettersOnly(unhomoglyph(base.toLowerCase())));
    keys.add(lettersOnly(unhomoglyph(unhomoglyph(base).toLowerCase())));
  }
  return [...keys];
}

export function sameName(a: string, b: string): boolean {
  const keys = new Set(nameKeys(a));
  return nameKeys(b).some((k) => keys.has(k));
}

/** Names the automated actor uses in the audit log; nobody approves or prepares as them. */
const RESERVED = ['system'];

/** A staff name that says somebody: not empty once normalised, and not the system's. */
export function assertStaffName(name: string, role: 'approver' | 'preparer'): void {
  // Before and after the confusables table: it maps some punctuation to letters ("—" to "ー").
  if (lettersOnly(plain(name)) === '' || nameKeys(name).includes('')) {
    throw new LetheError('invalid_input', `The ${role}'s name is empty once spaces and punctuation are removed`);
  }
  if (RESERVED.some((reserved) => sameName(name, reserved))) {
    throw new LetheError('invalid_input', `"${name.trim()}" is not a person; give the ${role}'s own name`);
  }
}

/** The approver is a second person: a name that is not the preparer's, however it is written. */
export function assertSecondPerson(approver: string, preparedBy: string | null): void {
  assertStaffName(approver, 'approver');
  if (preparedBy !== null && sameName(approver, preparedBy)) {
    throw new LetheError('conflict', 'The approval must come from a second person, not the one who prepared the plan');
  }
}

/**
 * Who prepared a plan when the face gave no name: the operating-system account running Lethe,
 * the only identity a single-user install has.
 */
export function localAccountName(): string {
  try {
    const name = userInfo().username.trim();
    if (name !== '' && !RESERVED.some((reserved) => sameName(name, reserved))) return name;
  } catch {
    // No passwd entry for this uid (some containers): fall through.
  }
  return 'local account';
}
