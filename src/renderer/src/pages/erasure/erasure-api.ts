import type { erasureOperations } from '../../../../shared/contract/groups/erasure';
import type { InputOf, OutputOf } from '../../../../shared/contract/define';
import { groupHooks } from '../../api/hooks';

/** Typed hooks for the erasure operations, so the erasure pages type-check against their group. */
type Ops = typeof erasureOperations;
export type ErasureOp = keyof Ops & string;
export type ErasureInput<K extends ErasureOp> = InputOf<Ops, K>;
export type ErasureOutput<K extends ErasureOp> = OutputOf<Ops, K>;

export const { useQuery: useErasureQuery, useMutation: useErasureMutation } = groupHooks<Ops>();
