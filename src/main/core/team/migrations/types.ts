/** One step of the team schema. Shipped migrations are never edited: add a new one. */
export interface TeamMigration {
  version: number;
  name: string;
  /** Runs inside the migration's transaction, in schema `lethe`. */
  sql: string;
}
