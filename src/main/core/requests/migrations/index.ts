import type { Migration } from '../../db/migrations/types';
import { migration0010 } from './0010-requests';
import { migration0020 } from './0020-audit';
import { migration0030 } from './0030-identity-links';
import { migration0040 } from './0040-former-identities';
import { migration0050 } from './0050-request-changes';

/** The durable `register` store's schema: the request register, the audit log, identity-link decisions, former identities, which requests changed. */
export const REGISTER_MIGRATIONS: readonly Migration[] = [migration0010, migration0020, migration0030, migration0040, migration0050];
