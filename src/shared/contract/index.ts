import { mergeContract } from './define';
import { actionOperations } from './groups/actions';
import { appOperations } from './groups/app';
import { archiveOperations } from './groups/archives';
import { auditOperations } from './groups/audit';
import { backupOperations } from './groups/backup';
import { erasureOperations } from './groups/erasure';
import { requestOperations } from './groups/requests';
import { subjectOperations } from './groups/subjects';
import { syncOperations } from './groups/sync';
import { teamOperations } from './groups/team';
import { workspaceOperations } from './groups/workspaces';

export * from './define';
export * from './events';

/**
 * Every operation any face can call, declared once. Later domains add a group here; nothing else
 * defines a channel, an HTTP route or a CLI call.
 */
export const contract = mergeContract(
  appOperations,
  workspaceOperations,
  syncOperations,
  subjectOperations,
  archiveOperations,
  erasureOperations,
  actionOperations,
  requestOperations,
  auditOperations,
  backupOperations,
  teamOperations,
);

export type Contract = typeof contract;
export type OperationName = keyof Contract & string;
export const operationNames = Object.keys(contract) as OperationName[];
