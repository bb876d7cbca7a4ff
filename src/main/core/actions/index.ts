export { createActionHandlers } from './action-handlers';
export { ActionService, RUN_KIND as ACTION_RUN_KIND, type ActionServiceOptions, type ActionDocument } from './service';
export { ACTION_OP } from './zendesk-ops';
export { readActionSettings, writeActionSettings } from './settings';
