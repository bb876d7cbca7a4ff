/**
 * The one Content-Security-Policy of the console, sent by the Electron app:// handler and by the
 * browser-mode host alike: no inline script, no eval, no network but the console's own origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
