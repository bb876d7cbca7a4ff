import type { actionOperations } from '../../../../shared/contract/groups/actions';
import type { InputOf, OutputOf } from '../../../../shared/contract/define';
import { groupHooks } from '../../api/hooks';

/** Typed hooks for the actions operations, so the actions pages type-check against their group. */
type Ops = typeof actionOperations;
export type ActionsOp = keyof Ops & string;
export type ActionsInput<K extends ActionsOp> = InputOf<Ops, K>;
export type ActionsOutput<K extends ActionsOp> = OutputOf<Ops, K>;

export const { useQuery: useActionsQuery, useMutation: useActionsMutation } = groupHooks<Ops>();
