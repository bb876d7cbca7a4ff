/**
 * Phone numbers are written in many ways (+44 20 7946 0958, 02079460958, (020) 7946-0958,
 * +44 (0)20 7946 0958), so they are compared as digits: the international prefix (00 or +),
 * the country code and the trunk 0 vary between spellings, the subscriber digits at the end do not.
 * Two numbers are the same when the shorter digit string is a suffix of the longer one and is at
 * least MIN_SIGNIFICANT_DIGITS long: short enough to catch a number written without its area
 * code, long enough that ordinary figures rarely collide.
 */
export const MIN_SIGNIFICANT_DIGITS = 7;
/** E.164 allows 15 digits; a little slack for a written-out 00 prefix or trunk digit. */
const MAX_DIGITS = 17;

/** Digits that identify a number, without international prefix and trunk zeros. */
export function phoneDigits(raw: string): string {
  // "(0)" marks an optional trunk digit inside an international number: never dialled with the country code.
  const digits = raw.replace(/\(0\)/g, '').replace(/\D/g, '');
  return digits.replace(/^0+/, '');
}

export function samePhoneDigits(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= MIN_SIGNIFICANT_DIGITS && long.endsWith(short);
}

export function samePhone(a: string, b: string): boolean {
  return samePhoneDigits(phoneDigits(a), phoneDigits(b));
}

/** A set of numbers that answers "is this written number one of them?" without a scan per lookup. */
export class PhoneSet {
  private readonly byTail = new Map<string, string[]>();

  constructor(numbers: Iterable<string>) {
    for (const raw of numbers) {
      const digits = phoneDigits(raw);
      if (digits.length < MIN_SIGNIFICANT_DIGITS) continue;
      const tail = digits.slice(-MIN_SIGNIFICANT_DIGITS);
      const bucket = this.byTail.get(tail);
      if (bucket === undefined) this.byTail.set(tail, [digits]);
      else bucket.push(digits);
    }
  }

  get size(): number {
    return this.byTail.size;
  }

  hasDigits(digits: string): boolean {
    if (digits.length < MIN_SIGNIFICANT_DIGITS || digits.length > MAX_DIGITS) return false;
    const bucket = this.byTail.get(digits.slice(-MIN_SIGNIFICANT_DIGITS));
    return bucket !== undefined && bucket.some((known) => samePhoneDigits(known, digits));
  }

  has(raw: string): boolean {
    return this.hasDigits(phoneDigits(raw));
  }
}

/** A stretch of text that may hold one or more numbers: digits with the usual separators between them. */
const DIGIT_RUN = /[+(]*\d[\d\s().\-/]*/g;
const DIGIT_GROUP = /\d+/g;
/** A number is rarely written in more groups than this; it bounds the work per run. */
const MAX_GROUPS_PER_NUMBER = 8;

interface Group {
  start: number;
  end: number;
  digits: string;
  trunk: boolean;
}

export interface PhoneSpan {
  start: number;
  end: number;
  /** 'own' spans belong to the subject and are left as they are. */
  owner: 'own' | 'other';
}

/**
 * Finds the numbers of `others` (and, so they win ties, of `own`) written in `text`. A run such as
 * "020 7946 0958\n2 tickets" holds a number and a stray figure, so every window of consecutive
 * digit groups is tried, longest first.
 */
export function findPhones(text: string, own: PhoneSet, others: PhoneSet): PhoneSpan[] {
  if (others.size === 0) return [];
  const spans: PhoneSpan[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    const runStart = run.index;
    const groups: Group[] = [];
    for (const g of run[0].matchAll(DIGIT_GROUP)) {
      const start = runStart + g.index;
      const end = start + g[0].length;
      const trunk = g[0] === '0' && text[start - 1] === '(' && text[end] === ')';
      groups.push({ start, end, digits: g[0], trunk });
    }
    let i = 0;
    while (i < groups.length) {
      const found = longestMatchFrom(groups, i, own, others);
      if (found === null) {
        i += 1;
        continue;
      }
      const first = groups[i]!;
      let start = first.start;
      // A leading "+" or "(" belongs to the number, so it goes with it.
      while (start > runStart && (text[start - 1] === '+' || text[start - 1] === '(')) start -= 1;
      spans.push({ start, end: groups[found.last]!.end, owner: found.owner });
      i = found.last + 1;
    }
  }
  return spans;
}

function longestMatchFrom(groups: Group[], i: number, own: PhoneSet, others: PhoneSet): { last: number; owner: 'own' | 'other' } | null {
  const maxLast = Math.min(groups.length - 1, i + MAX_GROUPS_PER_NUMBER - 1);
  for (let last = maxLast; last >= i; last -= 1) {
    let digits = '';
    for (let k = i; k <= last; k += 1) {
      const g = groups[k]!;
      if (!g.trunk) digits += g.digits;
    }
    digits = digits.replace(/^0+/, '');
    if (digits.length < MIN_SIGNIFICANT_DIGITS || digits.length > MAX_DIGITS) continue;
    if (own.hasDigits(digits)) return { last, owner: 'own' };
    if (others.hasDigits(digits)) return { last, owner: 'other' };
  }
  return null;
}
