import { useMutation as useQueryMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { auditOperations } from '../../../../shared/contract/groups/audit';
import type { requestOperations } from '../../../../shared/contract/groups/requests';
import { ApiError } from '../../api/client';
import { useApi, type OperationState } from '../../api/hooks';

/**
 * Typed hooks for the register's and the audit log's operations, written against their contract
 * groups so these pages type-check on their own; they call the same client as every page.
 */
type RegisterOps = typeof requestOperations & typeof auditOperations;
export type RegisterOp = keyof RegisterOps & string;
export type RegisterInput<K extends RegisterOp> = z.input<RegisterOps[K]['input']>;
export type RegisterOutput<K extends RegisterOp> = z.output<RegisterOps[K]['output']>;

type UntypedCall = (name: string, input: unknown) => Promise<unknown>;

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ code: 'internal_error', message: String(error) });
}

export function useRegisterQuery<K extends RegisterOp>(
  name: K,
  input: RegisterInput<K>,
  enabled = true,
): OperationState<RegisterOutput<K>> {
  const api = useApi();
  const call = api.call as unknown as UntypedCall;
  const query = useQuery({ queryKey: [name, input], queryFn: () => call(name, input) as Promise<RegisterOutput<K>>, enabled });
  return {
    data: query.data,
    error: query.error ? asApiError(query.error) : null,
    loading: enabled && query.isPending,
    reload: () => void query.refetch(),
  };
}

export function useRegisterMutation<K extends RegisterOp>(name: K) {
  const api = useApi();
  const client = useQueryClient();
  const call = api.call as unknown as UntypedCall;
  const mutation = useQueryMutation({
    mutationFn: (input: RegisterInput<K>) => call(name, input) as Promise<RegisterOutput<K>>,
    onSuccess: () => client.invalidateQueries(),
  });
  return {
    run: async (input: RegisterInput<K>): Promise<RegisterOutput<K> | undefined> => {
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
