import { CONTENT_SECURITY_POLICY } from '../../shared/csp';

// One CSP for every face: the lead's browser-mode host imports the same string from
// src/shared/csp.ts, so the Electron app and browser mode cannot drift apart.
export { CONTENT_SECURITY_POLICY };

/** Headers on every app:// response, errors included (a 404 page is still a document). */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  // The bundle changes with every build; the cache would only serve a stale UI after an update.
  'Cache-Control': 'no-store',
});
