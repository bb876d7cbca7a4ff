import { useMemo, useSyncExternalStore } from 'react';

export const ROUTES = ['requests', 'subjects', 'erasure', 'archives', 'audit', 'sync', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

export interface HashLocation {
  route: Route | null;
  /** Path segments after the route: `#/subjects/subj_12` → ['subj_12']. */
  segments: string[];
  query: URLSearchParams;
}

/** Hash routes work the same under app:// and http:// without server-side fallbacks. */
export function parseHash(hash: string): HashLocation {
  const body = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = body.split('?', 2);
  const [first = '', ...rest] = path.split('/').filter((s) => s.length > 0);
  const route = (ROUTES as readonly string[]).includes(first) ? (first as Route) : null;
  return { route, segments: rest.map((s) => decodeURIComponent(s)), query: new URLSearchParams(search) };
}

export function parseRoute(hash: string): Route | null {
  return parseHash(hash).route;
}

/** Builds `#/route/seg?query` with every part encoded. */
export function hrefFor(route: Route, segments: string[] = [], query: Record<string, string> = {}): string {
  const path = [route, ...segments.map((s) => encodeURIComponent(s))].join('/');
  const search = new URLSearchParams(query).toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export function navigateTo(route: Route, segments: string[] = [], query: Record<string, string> = {}): void {
  window.location.hash = hrefFor(route, segments, query);
}

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/**
 * One snapshot of the hash for every reader in a render. A state per hook (as before) could be
 * updated in different renders: the app's new route met a page's old segments, and each dossier
 * opened from a request first asked `requests.get` for the subject's ref (a 400).
 */
export function useHashLocation(): HashLocation {
  const hash = useSyncExternalStore(subscribeToHash, () => window.location.hash);
  return useMemo(() => parseHash(hash), [hash]);
}

export function useRoute(fallback: Route): [Route, (route: Route) => void] {
  const location = useHashLocation();
  return [location.route ?? fallback, (next) => navigateTo(next)];
}
