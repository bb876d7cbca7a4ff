import type { LegalGround, Regulation } from '../../../shared/contract/groups/erasure';

/**
 * Where each regulation allows keeping data an erasure request covers (reference/regulations.md):
 * GDPR Art. 17(3)(b) legal obligation, 17(3)(e) legal claims; CCPA §1798.105(d) (exceptions to
 * deletion, incl. legal obligations and legal claims); LGPD Art. 16 (retention after processing ends,
 * item I: legal or regulatory obligation).
 */
const CITATIONS: Record<Regulation, Record<LegalGround, string>> = {
  gdpr: { legal_obligation: 'GDPR Art. 17(3)(b)', legal_claims: 'GDPR Art. 17(3)(e)' },
  uk_gdpr: { legal_obligation: 'UK GDPR Art. 17(3)(b)', legal_claims: 'UK GDPR Art. 17(3)(e)' },
  ccpa: { legal_obligation: 'CCPA §1798.105(d)', legal_claims: 'CCPA §1798.105(d)' },
  lgpd: { legal_obligation: 'LGPD Art. 16, I', legal_claims: 'LGPD Art. 16' },
};

export function citationFor(regulation: Regulation, ground: LegalGround): string {
  return CITATIONS[regulation][ground];
}

/** Every regulation's citation for a ground: the receipt names them all, as a request may span several. */
export function allCitations(ground: LegalGround): string[] {
  return (Object.keys(CITATIONS) as Regulation[]).map((r) => CITATIONS[r][ground]);
}
