import { useEffect, useState } from 'react';

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

export function useHashLocation(): HashLocation {
  const [location, setLocation] = useState<HashLocation>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return location;
}

export function useRoute(fallback: Route): [Route, (route: Route) => void] {
  const location = useHashLocation();
  return [location.route ?? fallback, (next) => navigateTo(next)];
}
