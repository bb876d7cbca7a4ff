export { SyncPage } from './SyncPage';
export { DataAsOf } from './DataAsOf';
