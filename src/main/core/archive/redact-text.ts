import { PhoneSet, findPhones } from './phone-match';

export const REDACTED_EMAIL = '[redacted email]';
export const REDACTED_PHONE = '[redacted phone]';
export const REDACTED_NAME = '[redacted name]';

const EMAIL = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

export interface RedactionCounts {
  emails: number;
  phones: number;
  names: number;
}

export interface TextRedactor {
  /** `text` with other people's addresses and numbers replaced; the subject's own are kept. */
  redact(text: string): string;
  redactNullable(text: string | null): string | null;
  readonly counts: Readonly<RedactionCounts>;
}

export interface RedactorOptions {
  ownEmails: Iterable<string>;
  ownPhones: Iterable<string>;
  otherEmails: Iterable<string>;
  otherPhones: Iterable<string>;
  /** Names of the other helpdesk accounts on the subject's tickets (agents, other requesters). */
  otherNames?: Iterable<string>;
  /** The subject's own names: a word they share with another person stays (it is theirs too). */
  ownNames?: Iterable<string>;
}

/**
 * Art. 15(4) / 20(4): the subject's copy must not hand out other people's contact details, even
 * when the subject typed them. Every address that is not the subject's own is masked, listed or
 * not: an unknown address is still somebody else's, and guessing wrong the other way would
 * disclose it. Numbers are masked only when they match a known number of another participant,
 * because free text is full of figures (order numbers, amounts) that merely look like phones.
 */
export function createRedactor(options: RedactorOptions): TextRedactor {
  const ownEmails = new Set([...options.ownEmails].map(normaliseEmail));
  const ownPhones = new PhoneSet(options.ownPhones);
  const otherPhones = new PhoneSet(options.otherPhones);
  // A second pass over the listed addresses catches spellings the pattern misses (quoted local
  // parts, unusual domains); the subject's own addresses are never in it.
  const listed = [...new Set([...options.otherEmails].map(normaliseEmail))].filter((e) => e.length > 0 && !ownEmails.has(e));
  const listedPattern = listedAddressPattern(listed);
  const withAt = listed.every((e) => e.includes('@'));
  const counts: RedactionCounts = { emails: 0, phones: 0, names: 0 };
  const namePattern = otherNamePattern(options.otherNames ?? [], options.ownNames ?? []);

  const redact = (text: string): string => {
    let withoutEmails = text.replace(EMAIL, (match) => {
      if (ownEmails.has(normaliseEmail(match))) return match;
      counts.emails += 1;
      return REDACTED_EMAIL;
    });
    // No '@' left, no listed address can be in the text (every one has an '@' and no other character folds to it).
    if (listedPattern !== null && (!withAt || withoutEmails.includes('@'))) {
      withoutEmails = withoutEmails.replace(listedPattern, () => {
        counts.emails += 1;
        return REDACTED_EMAIL;
      });
    }
    if (namePattern !== null) {
      withoutEmails = withoutEmails.replace(namePattern, (match, before: string) => {
        counts.names += 1;
        return `${before}${REDACTED_NAME}`;
      });
    }
    const spans = findPhones(withoutEmails, ownPhones, otherPhones).filter((s) => s.owner === 'other');
    if (spans.length === 0) return withoutEmails;
    let out = '';
    let at = 0;
    for (const span of spans) {
      out += withoutEmails.slice(at, span.start) + REDACTED_PHONE;
      at = span.end;
      counts.phones += 1;
    }
    return out + withoutEmails.slice(at);
  };

  return {
    redact,
    redactNullable: (text) => (text === null ? null : redact(text)),
    counts,
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * One alternation of every listed address. With hundreds of addresses V8 tries each alternative
 * at every position of every text (25 s of a 30 s archive for a subject on many tickets), so when
 * every address has an '@' the pattern first looks ahead for an '@' within the longest local part:
 * a listed address can only start there, which keeps the matches exactly those of the plain alternation.
 */
function listedAddressPattern(listed: string[]): RegExp | null {
  if (listed.length === 0) return null;
  const alternation = listed.map(escapeRegExp).join('|');
  if (!listed.every((e) => e.includes('@'))) return new RegExp(alternation, 'giu');
  const longestLocal = Math.max(...listed.map((e) => e.indexOf('@')));
  return new RegExp(`(?=[^@]{0,${longestLocal}}@)(?:${alternation})`, 'giu');
}

/**
 * Other people's names: the full name first, then each word of it of three letters or more (an
 * agent signs "Bob", a customer writes "ask Carol"), except words the subject's own names hold.
 * Words shorter than three letters ("Li", initials) are left: masking them would mangle ordinary
 * text far more often than it would hide anyone.
 */
function otherNamePattern(otherNames: Iterable<string>, ownNames: Iterable<string>): RegExp | null {
  const own = new Set([...ownNames].flatMap((n) => n.toLowerCase().split(/[^\p{L}\p{N}'-]+/u)));
  const terms = new Set<string>();
  for (const raw of otherNames) {
    const name = raw.trim().replace(/\s+/g, ' ');
    if (name.length === 0) continue;
    if (!own.has(name.toLowerCase())) terms.add(name.toLowerCase());
    for (const word of name.split(/[^\p{L}\p{N}'-]+/u)) {
      const w = word.toLowerCase();
      if ([...w].length >= 3 && /\p{L}/u.test(w) && !own.has(w)) terms.add(w);
    }
  }
  if (terms.size === 0) return null;
  const alternation = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((t) => escapeRegExp(t).replace(/ /g, '\\s+'))
    .join('|');
  return new RegExp(`(^|[^\\p{L}\\p{N}])(?:${alternation})(?![\\p{L}\\p{N}])`, 'giu');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
