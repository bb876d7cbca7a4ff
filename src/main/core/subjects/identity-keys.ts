/**
 * The one definition of "this text mentions that address or number", shared by the mention index
 * and the dossier: an email address compares case-insensitively, a phone number by its digits
 * (at least six, so order numbers and years rarely collide with a real number). A number written
 * with the international 00 prefix also yields its +-form key, so "0049 30 1234" meets "+49 30 1234".
 */

const EMAIL_IN_TEXT = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const PHONE_IN_TEXT = /\(?\+?\d[\d\s().-]{5,}\d/g;
const MIN_PHONE_DIGITS = 6;

export type IdentityKeyKind = 'email' | 'phone';

export function emailKey(email: string): string {
  return `e:${email.trim().toLowerCase()}`;
}

function phoneKeys(written: string): string[] {
  const digits = written.replace(/\D/g, '');
  if (digits.length < MIN_PHONE_DIGITS) return [];
  const keys = [`p:${digits}`];
  if (digits.startsWith('00') && digits.length - 2 >= MIN_PHONE_DIGITS) keys.push(`p:${digits.slice(2)}`);
  return keys;
}

/** The key an identity of the helpdesk is found under, or null for types that cannot be mentioned. */
export function identityValueKey(type: string, value: string): string | null {
  if (type === 'email' || value.includes('@')) return emailKey(value);
  if (type === 'phone_number') return phoneKeys(value)[0] ?? null;
  return null;
}

export function keyKind(key: string): IdentityKeyKind {
  return key.startsWith('e:') ? 'email' : 'phone';
}

/** Every email and phone key written in `text`. */
export function identityKeysInText(text: string): Set<string> {
  const keys = new Set<string>();
  if (text.length === 0) return keys;
  // Most comments quote no address: the e-mail pattern tries every word of the text for one, twice
  // over, and cannot match without an @ (more than half of the sync's mention indexing, bench/sync.ts).
  let rest = text;
  if (text.includes('@')) {
    for (const m of text.matchAll(EMAIL_IN_TEXT)) keys.add(emailKey(m[0]));
    // Digits inside an address are not a phone number.
    rest = text.replace(EMAIL_IN_TEXT, ' ');
  }
  for (const m of rest.matchAll(PHONE_IN_TEXT)) for (const k of phoneKeys(m[0])) keys.add(k);
  return keys;
}
