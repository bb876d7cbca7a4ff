import type { z } from 'zod';
import type { erasureOperations } from '../../../../shared/contract/groups/erasure';
import { useMutation, useOperation, type MutationState, type OperationOptions, type OperationState } from '../../api/hooks';

/**
 * Typed hooks for the erasure operations, so the erasure pages type-check against their group.
 * The shared hooks of api/hooks.tsx, typed against these contract groups only (the operations are
 * the same entries of the one contract).
 */
type Ops = typeof erasureOperations;
export type ErasureOp = keyof Ops & string;
export type ErasureInput<K extends ErasureOp> = z.input<Ops[K]['input']>;
export type ErasureOutput<K extends ErasureOp> = z.output<Ops[K]['output']>;

export const useErasureQuery = useOperation as <K extends ErasureOp>(
  name: K,
  input: ErasureInput<K>,
  options?: OperationOptions,
) => OperationState<ErasureOutput<K>>;

export const useErasureMutation = useMutation as <K extends ErasureOp>(name: K) => MutationState<ErasureInput<K>, ErasureOutput<K>>;
