import { isTrustedExternalUrl } from './trusted-url';

export interface ExternalLinkLog {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
}

/**
 * Builds `openExternalUrl`: the only path from the app to `shell.openExternal`. It hands over the
 * URL as `new URL()` serialised it, never the raw string, so what is checked is what is opened.
 * Returns whether the URL was passed on; refusals are logged by scheme only (a URL can carry
 * personal data in its query).
 */
export function createExternalOpener(openExternal: (url: string) => Promise<void>, log: ExternalLinkLog): (url: unknown) => boolean {
  return (url) => {
    if (!isTrustedExternalUrl(url)) {
      const scheme = typeof url === 'string' ? (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(url.trim())?.[0] ?? '(no scheme)') : typeof url;
      log.warn(`refused to open an external link (${scheme})`);
      return false;
    }
    const normalised = new URL(url as string).href;
    openExternal(normalised).catch((error: unknown) => log.warn('the OS could not open the link', error));
    return true;
  };
}
