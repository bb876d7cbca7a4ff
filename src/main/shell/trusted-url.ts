import { isAppUrl, parseUrl } from './app-origin';

/**
 * Whether `url` may be handed to the OS (`shell.openExternal`). Only absolute http(s) URLs
 * without embedded credentials: anything else (file:, smb:, javascript:, custom handlers such as
 * ms-msdt:) can launch local programs or leak NTLM hashes, and `user:pw@host` is a phishing
 * disguise. Parsed with `new URL`, never matched by substring.
 */
export function isTrustedExternalUrl(value: unknown): boolean {
  const url = parseUrl(value);
  if (url === null) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return url.hostname.length > 0;
}

/** What the shell knows about the frame that sent an IPC message. */
export interface SenderInfo {
  /** The frame's current URL; empty when the frame is gone. */
  readonly url: string;
  /** True when the frame has no parent (a top-level document, not an iframe). */
  readonly isMainFrame: boolean;
}

/**
 * IPC is trusted only from the main frame of a page of the app's own origin: iframes, pages that
 * somehow navigated elsewhere, file:// and devtools:// frames can all reach ipcRenderer-backed
 * functions if a preload ever leaks, so main checks every message (VS Code `validatedIpcMain`).
 */
export function isTrustedSender(sender: SenderInfo | null | undefined): boolean {
  if (sender === null || sender === undefined) return false;
  return sender.isMainFrame === true && isAppUrl(sender.url);
}

/** `will-navigate` / `will-redirect` targets: only the app's own routes. */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

export interface RendererRequestPolicy {
  /** DevTools (unpackaged builds only) loads its own front-end from devtools://. */
  readonly allowDevtools: boolean;
}

/**
 * The renderer has no network (Signal's protocol filter): every helpdesk call goes through the
 * core in main, so tokens never reach the renderer. Anything not of the app's origin, or inline
 * data the CSP already permits (data: images, blob: URLs created by the app), is cancelled.
 */
export function isAllowedRendererRequest(value: unknown, policy: RendererRequestPolicy): boolean {
  const url = parseUrl(value);
  if (url === null) return false;
  switch (url.protocol) {
    case 'app:':
      return isAppUrl(value);
    case 'data:':
      return true;
    case 'blob:':
      // blob:app://lethe/<uuid>: the inner origin must be ours.
      return isAppUrl(url.pathname);
    case 'devtools:':
      return policy.allowDevtools;
    default:
      return false;
  }
}

/**
 * Permissions the renderer may use. Electron grants everything unless told otherwise; the console
 * needs only to write to the clipboard (copy buttons), and only from its own pages.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: unknown): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}
