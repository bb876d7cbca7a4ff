import { QueryClient, QueryClientProvider, useMutation as useQueryMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { Contract, OperationName } from '../../../shared/contract';
import type { ContractShape, InputOf, OutputOf } from '../../../shared/contract/define';
import { ApiError, type Api } from './client';
import { eventRefresher } from './event-refresh';

const ApiContext = createContext<Api | null>(null);

/**
 * TanStack Query keeps the cache, de-duplicates reads and invalidates after writes, so pages do not
 * hand-roll loading flags. Nothing is retried automatically: a refused call shows its error.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } } });
}

export function ApiProvider({
  api,
  queryClient,
  children,
}: {
  api: Api;
  queryClient: QueryClient;
  children: ReactNode;
}): React.JSX.Element {
  return (
    <ApiContext.Provider value={api}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export interface OperationState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ code: 'internal_error', message: String(error) });
}

export interface OperationOptions {
  /** false: not fetched (yet); loading stays false. */
  enabled?: boolean;
  /** Refetch on this interval (ms), e.g. while a job runs. */
  refetchMs?: number | false;
}

/** A read operation, cached under its name and input. */
export function useOperation<K extends OperationName>(
  name: K,
  input: InputOf<Contract, K>,
  options: OperationOptions = {},
): OperationState<OutputOf<Contract, K>> {
  const api = useApi();
  const enabled = options.enabled ?? true;
  const query = useQuery({
    queryKey: [name, input],
    queryFn: () => api.call(name, input),
    enabled,
    refetchInterval: options.refetchMs ?? false,
  });
  return {
    data: query.data,
    error: query.error ? asApiError(query.error) : null,
    loading: enabled && query.isPending,
    reload: () => void query.refetch(),
  };
}

export interface MutationState<I, O> {
  /** Resolves undefined when the call failed (the error is in `error`). */
  run: (input: I) => Promise<O | undefined>;
  pending: boolean;
  error: ApiError | null;
  reset: () => void;
}

/** A write operation; every successful write refreshes the cached reads. */
export function useMutation<K extends OperationName>(name: K): MutationState<InputOf<Contract, K>, OutputOf<Contract, K>> {
  const api = useApi();
  const client = useQueryClient();
  const mutation = useQueryMutation({
    mutationFn: (input: InputOf<Contract, K>) => api.call(name, input),
    onSuccess: () => client.invalidateQueries(),
  });
  return {
    run: async (input) => {
      try {
        return await mutation.mutateAsync(input);
      } catch {
        return undefined;
      }
    },
    pending: mutation.isPending,
    error: mutation.error ? asApiError(mutation.error) : null,
    reset: () => mutation.reset(),
  };
}

/** useOperation and useMutation typed against one contract group, so a page's calls type-check against its own operations. */
export interface GroupHooks<G extends ContractShape> {
  useQuery: <K extends keyof G & string>(name: K, input: InputOf<G, K>, options?: OperationOptions) => OperationState<OutputOf<G, K>>;
  useMutation: <K extends keyof G & string>(name: K) => MutationState<InputOf<G, K>, OutputOf<G, K>>;
}

/** The same two hooks, retyped: a group's operations are entries of the one contract, under the same names. */
export function groupHooks<G extends ContractShape>(): GroupHooks<G> {
  return { useQuery: useOperation as GroupHooks<G>['useQuery'], useMutation: useMutation as GroupHooks<G>['useMutation'] };
}

/** Core events invalidate the reads they concern. */
export function useEventInvalidation(): void {
  const api = useApi();
  const client = useQueryClient();
  useEffect(() => {
    const refresher = eventRefresher(client);
    // On (re)connection too: a change made while the stream was down (or before the page's first
    // connection, e.g. a workspace created from the CLI) sent an event nobody heard.
    const unsubscribe = api.subscribe(refresher.refresh, refresher.refresh);
    return () => {
      unsubscribe();
      refresher.stop();
    };
  }, [api, client]);
}
