import type { Migration } from '../../db/migrations/types';
import { migration0010 } from './0010-requests';
import { migration0020 } from './0020-audit';

/** The durable `register` store's schema: the request register and the audit log. */
export const REGISTER_MIGRATIONS: readonly Migration[] = [migration0010, migration0020];
