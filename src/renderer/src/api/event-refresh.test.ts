import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { eventRefresher } from './event-refresh';

/** A helpdesk-free stand-in for `workspaces.list`: each call answers what the core holds when it is read. */
function fakeCore() {
  let workspaces: string[] = [];
  const calls: { release: () => void }[] = [];
  return {
    create: (name: string) => void (workspaces = [...workspaces, name]),
    calls,
    queryFn: () => {
      // Read now (as the core does when the request arrives), answer when released.
      const answer = [...workspaces];
      return new Promise<string[]>((resolve) => calls.push({ release: () => resolve(answer) }));
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('eventRefresher', () => {
  let client: QueryClient;
  afterEach(() => client.clear());

  it('fetches again a first read that was in flight when the event came (TanStack would keep its stale answer)', async () => {
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const core = fakeCore();
    const observer = new QueryObserver(client, { queryKey: ['workspaces.list'], queryFn: core.queryFn });
    const unsubscribe = observer.subscribe(() => {});
    const refresher = eventRefresher(client);

    expect(core.calls).toHaveLength(1); // the first read, answered "none" but not yet delivered
    core.create('Acme');
    refresher.refresh(); // the workspaces.changed event
    await settle();
    expect(core.calls).toHaveLength(1); // TanStack de-duplicated the invalidation into the first read
    core.calls[0]!.release();
    await settle();
    expect(core.calls).toHaveLength(2);
    core.calls[1]!.release();
    await settle();
    expect(observer.getCurrentResult().data).toEqual(['Acme']);

    unsubscribe();
    refresher.stop();
  });

  it('does not fetch twice when the event comes after the data is there (invalidation refetches it)', async () => {
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const core = fakeCore();
    const observer = new QueryObserver(client, { queryKey: ['workspaces.list'], queryFn: core.queryFn });
    const unsubscribe = observer.subscribe(() => {});
    const refresher = eventRefresher(client);
    core.calls[0]!.release();
    await settle();

    core.create('Acme');
    refresher.refresh();
    await settle();
    expect(core.calls).toHaveLength(2);
    core.calls[1]!.release();
    await settle();
    await settle();
    expect(core.calls).toHaveLength(2);
    expect(observer.getCurrentResult().data).toEqual(['Acme']);

    unsubscribe();
    refresher.stop();
  });
});
