/**
 * The form identities are matched in: emails lower-cased and trimmed, phone numbers reduced to
 * their digits (so "+49 (30) 123-45" and "004930 12345" meet on "4930..."/"004930..."; a leading
 * 00 is folded to match the + form). Search must normalise its input with the same function.
 */
export function normalizeIdentityValue(type: string, value: string): string {
  const trimmed = value.trim();
  if (type === 'phone_number') {
    const digits = trimmed.replace(/\D+/g, '');
    return digits.startsWith('00') ? digits.slice(2) : digits;
  }
  return trimmed.normalize('NFKC').toLowerCase();
}
