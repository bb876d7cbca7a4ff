export { Journal, type TransitionOptions } from './journal';
export { JOURNAL_MIGRATIONS } from './migrations';
export { openJournal } from './open-journal';
export { uuidv7, UUID_PATTERN } from './ids';
export {
  executeRun,
  chunk,
  type Outcome,
  type CheckResult,
  type OperationHandler,
  type HandlerContext,
  type ExecuteOptions,
  type ExecuteResult,
} from './executor';
export * from './types';
