import { useMutation as useQueryMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { actionOperations } from '../../../../shared/contract/groups/actions';
import { ApiError } from '../../api/client';
import { useApi, type OperationState } from '../../api/hooks';

/**
 * Typed hooks for the actions operations, written against their contract group so the page
 * type-checks on its own; they call the same client as every page.
 */
type Ops = typeof actionOperations;
export type ActionsOp = keyof Ops & string;
export type ActionsInput<K extends ActionsOp> = z.input<Ops[K]['input']>;
export type ActionsOutput<K extends ActionsOp> = z.output<Ops[K]['output']>;

type UntypedCall = (name: string, input: unknown) => Promise<unknown>;

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ code: 'internal_error', message: String(error) });
}

export function useActionsQuery<K extends ActionsOp>(
  name: K,
  input: ActionsInput<K>,
  options: { enabled?: boolean; refetchMs?: number | false } = {},
): OperationState<ActionsOutput<K>> {
  const api = useApi();
  const call = api.call as unknown as UntypedCall;
  const enabled = options.enabled ?? true;
  const query = useQuery({
    queryKey: [name, input],
    queryFn: () => call(name, input) as Promise<ActionsOutput<K>>,
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

export function useActionsMutation<K extends ActionsOp>(name: K) {
  const api = useApi();
  const client = useQueryClient();
  const call = api.call as unknown as UntypedCall;
  const mutation = useQueryMutation({
    mutationFn: (input: ActionsInput<K>) => call(name, input) as Promise<ActionsOutput<K>>,
    onSuccess: () => client.invalidateQueries(),
  });
  return {
    run: async (input: ActionsInput<K>): Promise<ActionsOutput<K> | undefined> => {
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
