import { protocol, type Session } from 'electron';
import type { Logger } from '../../core/log/logger';
import { APP_SCHEME } from '../app-origin';
import { createAppRequestHandler } from '../app-protocol';

/**
 * Must run before `app.ready`. `standard` gives app:// real origins and relative URL resolution,
 * `secure` makes it a secure context (like https), `supportFetchAPI` lets the renderer fetch its
 * own assets. Deliberately not `bypassCSP` and not `corsEnabled`: the CSP header must apply, and
 * no other origin needs to read from us.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer (and nothing else) on app:// in the given session. */
export function installAppProtocol(ses: Session, rendererDir: string, log: Logger): void {
  ses.protocol.handle(APP_SCHEME, createAppRequestHandler({ root: rendererDir, log: log.child('app-protocol') }));
}
