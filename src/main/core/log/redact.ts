const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]+/gi;
const LONG_HEX = /\b[0-9a-fA-F]{32,}\b/g;

/**
 * Removes what must never reach a log: e-mail addresses, authorization headers, long hex strings
 * (database keys, tokens) and every secret the process registered as known.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[secret]');
  }
  return out.replace(BEARER, '$1 [secret]').replace(LONG_HEX, '[hex]').replace(EMAIL, '[email]');
}
