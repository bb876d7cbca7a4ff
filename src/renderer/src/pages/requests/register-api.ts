import type { z } from 'zod';
import type { auditOperations } from '../../../../shared/contract/groups/audit';
import type { requestOperations } from '../../../../shared/contract/groups/requests';
import { useMutation, useOperation, type MutationState, type OperationOptions, type OperationState } from '../../api/hooks';

/**
 * Typed hooks for the register's and the audit log's operations, so these pages type-check against their groups.
 * The shared hooks of api/hooks.tsx, typed against these contract groups only (the operations are
 * the same entries of the one contract).
 */
type Ops = typeof requestOperations & typeof auditOperations;
export type RegisterOp = keyof Ops & string;
export type RegisterInput<K extends RegisterOp> = z.input<Ops[K]['input']>;
export type RegisterOutput<K extends RegisterOp> = z.output<Ops[K]['output']>;

export const useRegisterQuery = useOperation as <K extends RegisterOp>(
  name: K,
  input: RegisterInput<K>,
  options?: OperationOptions,
) => OperationState<RegisterOutput<K>>;

export const useRegisterMutation = useMutation as <K extends RegisterOp>(name: K) => MutationState<RegisterInput<K>, RegisterOutput<K>>;
