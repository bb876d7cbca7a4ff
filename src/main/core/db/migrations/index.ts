import { migration0010 } from './0010-initial';
import { migration0020 } from './0020-search';
import { migration0030 } from './0030-subjects';
import { migration0040 } from './0040-surfaces';
import { migration0050 } from './0050-subject-looks';
import { migration0060 } from './0060-search-scale';
import { migration0070 } from './0070-search-reads';
import { migration0080 } from './0080-mention-queue-upsert';
import type { Migration } from './types';

/** Every schema version in order. Append only: a shipped migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0040,
  migration0050,
  migration0060,
  migration0070,
  migration0080,
];

export type { Migration } from './types';
export { DbFromFutureError, runMigrations, latestVersion, readSchemaVersion, checkMigrationList } from './runner';
