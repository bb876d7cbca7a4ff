import { teamMigration0010 } from './0010-register';
import { teamMigration0020 } from './0020-audit';
import { teamMigration0030 } from './0030-journal';
import { teamMigration0040 } from './0040-roles';
import { teamMigration0050 } from './0050-live';
import { teamMigration0060 } from './0060-team-key';
import { teamMigration0070 } from './0070-approval-history';
import { teamMigration0080 } from './0080-identity-links';
import { teamMigration0090 } from './0090-former-identities';
import { teamMigration0110 } from './0110-retention';
import type { TeamMigration } from './types';

export type { TeamMigration } from './types';

/** The team schema, oldest first. */
export const TEAM_MIGRATIONS: readonly TeamMigration[] = [
  teamMigration0010,
  teamMigration0020,
  teamMigration0030,
  teamMigration0040,
  teamMigration0050,
  teamMigration0060,
  teamMigration0070,
  teamMigration0080,
  teamMigration0090,
  teamMigration0110,
];

export const TEAM_SCHEMA_VERSION = TEAM_MIGRATIONS[TEAM_MIGRATIONS.length - 1]?.version ?? 0;
