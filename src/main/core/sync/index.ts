export { createSyncHandlers } from './sync-handlers';
export { SyncService, type SyncServiceOptions } from './sync-service';
export { runSync, type RunSyncOptions, type RunSyncResult, type StreamEvent } from './run-sync';
export { refreshSubject, type SubjectRefreshOutcome } from './subject-refresh';
