import { useEffect, useState } from 'react';

export const ROUTES = ['requests', 'subjects', 'erasure', 'archives', 'audit', 'sync', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

/** Hash routes work the same under app:// and http:// without server-side fallbacks. */
export function parseRoute(hash: string): Route | null {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : null;
}

export function useRoute(fallback: Route): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash) ?? fallback);
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash) ?? fallback);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [fallback]);
  return [route, (next) => (window.location.hash = `#/${next}`)];
}
