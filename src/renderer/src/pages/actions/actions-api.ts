import type { z } from 'zod';
import type { actionOperations } from '../../../../shared/contract/groups/actions';
import { useMutation, useOperation, type MutationState, type OperationOptions, type OperationState } from '../../api/hooks';

/**
 * Typed hooks for the actions operations, so the actions pages type-check against their group.
 * The shared hooks of api/hooks.tsx, typed against these contract groups only (the operations are
 * the same entries of the one contract).
 */
type Ops = typeof actionOperations;
export type ActionsOp = keyof Ops & string;
export type ActionsInput<K extends ActionsOp> = z.input<Ops[K]['input']>;
export type ActionsOutput<K extends ActionsOp> = z.output<Ops[K]['output']>;

export const useActionsQuery = useOperation as <K extends ActionsOp>(
  name: K,
  input: ActionsInput<K>,
  options?: OperationOptions,
) => OperationState<ActionsOutput<K>>;

export const useActionsMutation = useMutation as <K extends ActionsOp>(name: K) => MutationState<ActionsInput<K>, ActionsOutput<K>>;
