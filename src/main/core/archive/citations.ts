import type { Regulation } from '../../../shared/deadlines/types';
import type { ArchiveKind } from './input';

/**
 * The provisions each archive answers to, as shown to the data subject. Only provisions listed in
 * reference/regulations.md are cited; where a law has no direct counterpart (the "rights of
 * others" limit outside the GDPR), the text says what is done without inventing an article.
 */

const PREFIX: Record<Regulation, string> = { GDPR: 'GDPR', UK_GDPR: 'UK GDPR', CCPA: 'CCPA', LGPD: 'LGPD' };

export function requestBasis(regulation: Regulation, kind: ArchiveKind): string {
  switch (regulation) {
    case 'GDPR':
    case 'UK_GDPR':
      return kind === 'access'
        ? `${PREFIX[regulation]} Art. 15 (right of access)`
        : `${PREFIX[regulation]} Art. 20 (right to data portability)`;
    case 'CCPA':
      return kind === 'access'
        ? 'Cal. Civ. Code §§1798.100, 1798.110, 1798.130 (right to know)'
        : 'Cal. Civ. Code §1798.100 et seq. (right to know, in a portable format)';
    case 'LGPD':
      return kind === 'access' ? 'LGPD Art. 18 II and Art. 19 (access)' : 'LGPD Art. 18 V (portability)';
  }
}

/** The limit that keeps other people's data out, in the form used inside parentheses. */
export function othersProtection(regulation: Regulation, kind: ArchiveKind): string {
  if (regulation === 'GDPR' || regulation === 'UK_GDPR') {
    const article = kind === 'access' ? 'Art. 15(4)' : 'Art. 20(4)';
    return regulation === 'GDPR' ? article : `UK GDPR ${article}`;
  }
  return 'rights of other people';
}

/** Why portability holds only what the subject provided. */
export function portabilityScope(regulation: Regulation): string {
  switch (regulation) {
    case 'GDPR':
      return 'Art. 20(1): data you provided';
    case 'UK_GDPR':
      return 'UK GDPR Art. 20(1): data you provided';
    case 'CCPA':
      return 'data you provided';
    case 'LGPD':
      return 'LGPD Art. 18 V: data you provided';
  }
}
