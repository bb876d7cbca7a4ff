export { openCache, type Cache, type CheckpointMode, type OpenCacheOptions } from './open-cache';
export { getOrCreateDbKey, isValidDbKey, cacheFileExists } from './db-key';
export { resetCache, cacheFiles } from './reset-cache';
export { resolveNativeBinding, ELECTRON_BINDING_RELATIVE, type ResolveNativeBindingOptions } from './native-binding';
export { MIGRATIONS, DbFromFutureError, runMigrations, latestVersion, readSchemaVersion } from './migrations';
export type { Migration } from './migrations';
export * from './records';
export { normalizeIdentityValue } from './normalize';
export {
  applyUsersPage,
  applyOrganizationsPage,
  applyOrganizationMembershipsPage,
  applyTicketsPage,
  applyTicketEventsPage,
  applyDeletions,
  recordSyncError,
  setAttachmentLocalPath,
  type TicketsPageOptions,
  type DeletionOptions,
} from './write-api';
export {
  countRows,
  readSyncState,
  readSyncStates,
  readSyncErrors,
  dataAsOf,
  DATA_AS_OF_RESOURCES,
  COUNTED_TABLES,
  type CountedTable,
  type SyncState,
  type SyncErrorEntry,
} from './read-api';
export { ftsPrefixQuery, searchPeople, searchComments, type CommentHit } from './search';
export type { SqliteDb } from './sqlite';
