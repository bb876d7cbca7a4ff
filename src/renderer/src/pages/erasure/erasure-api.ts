import { useMutation as useQueryMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { erasureOperations } from '../../../../shared/contract/groups/erasure';
import { ApiError } from '../../api/client';
import { useApi, type OperationState } from '../../api/hooks';

/**
 * Typed hooks for the erasure operations, written against their contract group so the page
 * type-checks on its own; they call the same client as every page.
 */
type Ops = typeof erasureOperations;
export type ErasureOp = keyof Ops & string;
export type ErasureInput<K extends ErasureOp> = z.input<Ops[K]['input']>;
export type ErasureOutput<K extends ErasureOp> = z.output<Ops[K]['output']>;

type UntypedCall = (name: string, input: unknown) => Promise<unknown>;

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ code: 'internal_error', message: String(error) });
}

export function useErasureQuery<K extends ErasureOp>(
  name: K,
  input: ErasureInput<K>,
  options: { enabled?: boolean; refetchMs?: number | false } = {},
): OperationState<ErasureOutput<K>> {
  const api = useApi();
  const call = api.call as unknown as UntypedCall;
  const enabled = options.enabled ?? true;
  const query = useQuery({
    queryKey: [name, input],
    queryFn: () => call(name, input) as Promise<ErasureOutput<K>>,
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

export function useErasureMutation<K extends ErasureOp>(name: K) {
  const api = useApi();
  const client = useQueryClient();
  const call = api.call as unknown as UntypedCall;
  const mutation = useQueryMutation({
    mutationFn: (input: ErasureInput<K>) => call(name, input) as Promise<ErasureOutput<K>>,
    onSuccess: () => client.invalidateQueries(),
  });
  return {
    run: async (input: ErasureInput<K>): Promise<ErasureOutput<K> | undefined> => {
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
