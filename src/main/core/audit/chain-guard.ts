import { LetheError } from '../../../shared/errors';

/**
 * Defence in depth for the audit log: refuse `data` that visibly carries an email address or a
 * phone number. It is a pattern check, not a guarantee. It cannot see names, postal addresses,
 * free-text notes, national numbers written without separators ("4155550100"), or anything
 * encoded; it can reject harmless strings that look like phone numbers (space-grouped figures
 * such as "1 000 000", IP addresses). Callers must still put only ids, counts, codes and hashes
 * in `data`; the guard only catches the obvious mistake before it becomes permanent history.
 */

const EMAIL = /[^\s@<>()[\]\\,;:"']+@[^\s@<>()[\]\\,;:"']+\.[a-z]{2,}/i;
/** International form: a plus sign, then digits with common separators. */
const INTERNATIONAL_PHONE = /\+\s?\d[\d\s().\-/]{4,}\d/g;
/** National form: two or more digit groups separated by space, dot, dash, slash or parentheses. */
const GROUPED_DIGITS = /(?<![\w.-])\(?\d{1,8}\)?(?:[\s.\-/]\(?\d{1,8}\)?){1,5}(?![\w-])/g;
const ISO_DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;
const DMY_DATE = /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/;
const DECIMAL = /^\d+\.\d+$/;
const UUID_OR_HEX = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;

const digitCount = (s: string) => s.replace(/\D/g, '').length;

export function looksLikeEmail(text: string): boolean {
  return EMAIL.test(text);
}

export function looksLikePhone(text: string): boolean {
  if (UUID_OR_HEX.test(text.trim())) return false;
  for (const m of text.matchAll(INTERNATIONAL_PHONE)) {
    const n = digitCount(m[0]);
    if (n >= 7 && n <= 15) return true;
  }
  for (const m of text.matchAll(GROUPED_DIGITS)) {
    const candidate = m[0].trim();
    if (ISO_DATE_PREFIX.test(candidate) || DMY_DATE.test(candidate) || DECIMAL.test(candidate)) continue;
    const n = digitCount(candidate);
    if (n >= 7 && n <= 15) return true;
  }
  return false;
}

function check(text: string, path: string): void {
  if (looksLikeEmail(text)) {
    throw new LetheError('invalid_input', `Audit data must not hold personal data: ${path} looks like an email address`);
  }
  if (looksLikePhone(text)) {
    throw new LetheError('invalid_input', `Audit data must not hold personal data: ${path} looks like a phone number`);
  }
}

/** Keys go into error messages, so they are shown only as far as they are plainly not personal data. */
const safeKey = (key: string) => (key.length > 40 ? '<long key>' : key.replace(/[^\w-]/g, '?'));

function walk(value: unknown, path: string, depth: number): void {
  if (depth > 64) return; // canonicalJson refuses such depth anyway
  if (typeof value === 'string') {
    check(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value)) {
      check(key, `a key in ${path}`);
      walk(member, `${path}.${safeKey(key)}`, depth + 1);
    }
  }
}

/**
 * Throws LetheError('invalid_input') when a string (value or key) in `data` looks like an email
 * address or phone number. The message names the path, never the value.
 */
export function assertNoPersonalData(data: unknown): void {
  walk(data, 'data', 0);
}
