export { REGISTER_MIGRATIONS } from './migrations';
export { createRequestHandlers } from './request-handlers';
export { linkToRequest, RequestService } from './request-service';
export { resolveWorkspaceId, openRegisterDb, defaultActor } from './register-store';
