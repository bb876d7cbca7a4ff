import type { auditOperations } from '../../../../shared/contract/groups/audit';
import type { requestOperations } from '../../../../shared/contract/groups/requests';
import type { InputOf, OutputOf } from '../../../../shared/contract/define';
import { groupHooks } from '../../api/hooks';

/** Typed hooks for the register's and the audit log's operations, so these pages type-check against their groups. */
type Ops = typeof requestOperations & typeof auditOperations;
export type RegisterOp = keyof Ops & string;
export type RegisterInput<K extends RegisterOp> = InputOf<Ops, K>;
export type RegisterOutput<K extends RegisterOp> = OutputOf<Ops, K>;

export const { useQuery: useRegisterQuery, useMutation: useRegisterMutation } = groupHooks<Ops>();
