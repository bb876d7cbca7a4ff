import type { Query, QueryClient } from '@tanstack/react-query';

export interface EventRefresher {
  /** Run on every core event and on every (re)connection of the event stream. */
  refresh: () => void;
  stop: () => void;
}

/**
 * A core event invalidates every read on screen. TanStack folds an invalidation into a first fetch
 * still in flight (a query with no data yet) instead of fetching again, and that answer may have
 * been read before the change the event announces: a workspace created while the window was
 * loading stayed "No workspace" until something else refetched. Such queries are fetched once more
 * when that first answer lands.
 */
export function eventRefresher(client: QueryClient): EventRefresher {
  const cache = client.getQueryCache();
  const refetchWhenSettled = new Set<Query>();
  const stop = cache.subscribe((event) => {
    const query = event.query;
    if (!refetchWhenSettled.has(query)) return;
    if (event.type === 'removed') return void refetchWhenSettled.delete(query);
    if (query.state.fetchStatus !== 'idle') return;
    refetchWhenSettled.delete(query);
    void client.refetchQueries({ queryKey: query.queryKey, exact: true, type: 'active' });
  });
  return {
    refresh: () => {
      for (const query of cache.findAll({ fetchStatus: 'fetching' })) {
        if (query.state.data === undefined) refetchWhenSettled.add(query);
      }
      void client.invalidateQueries();
    },
    stop,
  };
}
