import type { Session, WebContents } from 'electron';
import type { Logger } from '../../core/log/logger';
import { isAllowedNavigation, isAllowedRendererRequest, isPermissionAllowed } from '../trusted-url';

/**
 * Session-wide rules for the renderer's session: deny permissions by default, no network but the
 * app's own origin (Signal's protocol filter), no downloads (exports are written by main through a
 * save dialog, never by the renderer).
 */
export function hardenSession(ses: Session, options: { allowDevtools: boolean; log: Logger }): void {
  const { log } = options;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details.requestingUrl);
    if (!allowed) log.warn(`permission request denied: ${permission}`);
    callback(allowed);
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isAllowedRendererRequest(details.url, { allowDevtools: options.allowDevtools });
    if (!allowed) log.warn(`renderer request blocked (${details.resourceType}): ${safeScheme(details.url)}`);
    callback({ cancel: !allowed });
  });
  ses.on('will-download', (event) => {
    log.warn('renderer download blocked');
    event.preventDefault();
  });
}

/** Logs the scheme and host only: a blocked URL may carry a query with personal data. */
function safeScheme(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(malformed URL)';
  }
}

/**
 * Rules for every webContents, applied from `web-contents-created` so no window (including any a
 * future feature adds) can skip them: no webviews, no navigation away from the app, no new
 * windows; `target=_blank` links and window.open go to `openExternalUrl`, which opens only
 * trusted http(s) URLs in the user's browser.
 */
export function hardenWebContents(contents: WebContents, options: { openExternalUrl: (url: unknown) => boolean; log: Logger }): void {
  const { log } = options;
  contents.on('will-attach-webview', (event) => {
    log.warn('webview attach blocked');
    event.preventDefault();
  });
  const guardNavigation = (event: { url: string; preventDefault(): void }, kind: string): void => {
    if (isAllowedNavigation(event.url)) return;
    log.warn(`${kind} blocked: ${safeScheme(event.url)}`);
    event.preventDefault();
  };
  contents.on('will-navigate', (event) => guardNavigation(event, 'navigation'));
  contents.on('will-frame-navigate', (event) => guardNavigation(event, 'frame navigation'));
  contents.on('will-redirect', (event) => guardNavigation(event, 'redirect'));
  contents.setWindowOpenHandler(({ url }) => {
    options.openExternalUrl(url);
    return { action: 'deny' };
  });
}
