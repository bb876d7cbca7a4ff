import type { SqliteDb } from '../sqlite';

export interface Migration {
  /** A multiple of 10, strictly greater than the previous one: the value `user_version` takes. */
  readonly version: number;
  readonly name: string;
  /** Runs inside the runner's transaction; must not open its own. */
  up(db: SqliteDb): void;
}
