import { mergeContract } from './define';
import { appOperations } from './groups/app';
import { workspaceOperations } from './groups/workspaces';

export * from './define';
export * from './events';

/**
 * Every operation any face can call, declared once. Later domains add a group here; nothing else
 * defines a channel, an HTTP route or a CLI call.
 */
export const contract = mergeContract(appOperations, workspaceOperations);

export type Contract = typeof contract;
export type OperationName = keyof Contract & string;
export const operationNames = Object.keys(contract) as OperationName[];
