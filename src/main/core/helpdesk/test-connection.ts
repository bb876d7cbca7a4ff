import type { ConnectionTestResult } from '../../../shared/schemas/workspace';
import { ZendeskClient } from './client';
import { HelpdeskError, HelpdeskRateLimitedError } from './errors';

export interface HelpdeskCredentials {
  baseUrl: string;
  email: string;
  token: string;
}

export function basicAuthHeader(credentials: HelpdeskCredentials): string {
  return `Basic ${Buffer.from(`${credentials.email}/token:${credentials.token}`).toString('base64')}`;
}

/**
 * Asks the helpdesk who the credentials belong to (GET /api/v2/users/me). Zendesk answers an
 * anonymous "me" with id null instead of a 401 when credentials are wrong, so both are failures.
 * One attempt only: the user is waiting on a dialog, a retry storm would only hide the answer.
 */
export async function testConnection(credentials: HelpdeskCredentials, timeoutMs = 10_000): Promise<ConnectionTestResult> {
  let user: { id: number | null; name?: unknown; role?: unknown };
  try {
    const client = new ZendeskClient(credentials, { maxAttempts: 1, timeoutMs });
    user = await client.meRaw({ signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return failure(error, credentials.baseUrl);
  }
  if (typeof user.id !== 'number') {
    return { ok: false, code: 'helpdesk_auth_failed', message: 'The helpdesk did not recognise these credentials' };
  }
  const role = typeof user.role === 'string' ? user.role : 'unknown';
  const isAdmin = role === 'admin';
  return {
    ok: true,
    message: isAdmin
      ? 'Connected as an administrator: sync and erasure are available'
      : 'Connected, but not as an administrator: incremental sync and erasure need an admin token',
    agentName: typeof user.name === 'string' ? user.name : '',
    role,
    isAdmin,
  };
}

function failure(error: unknown, baseUrl: string): ConnectionTestResult {
  if (!(error instanceof HelpdeskError)) {
    return { ok: false, code: 'helpdesk_unreachable', message: `Could not reach ${safeOrigin(baseUrl)}` };
  }
  switch (error.code) {
    case 'helpdesk_auth_failed':
      return { ok: false, code: error.code, message: 'The helpdesk refused the e-mail and API token' };
    case 'helpdesk_forbidden':
      return { ok: false, code: error.code, message: 'The token works but is not allowed to read users' };
    case 'helpdesk_rate_limited': {
      const seconds = error instanceof HelpdeskRateLimitedError ? Math.ceil(error.waitMs / 1000) : undefined;
      return { ok: false, code: error.code, message: `The helpdesk is rate limiting; retry after ${seconds ?? 'a few'} s` };
    }
    case 'helpdesk_unreachable':
    case 'cancelled':
      return { ok: false, code: 'helpdesk_unreachable', message: `Could not reach ${safeOrigin(baseUrl)}` };
    case 'helpdesk_bad_response':
      return { ok: false, code: error.code, message: 'The address answers, but not like a Zendesk Support API' };
    default:
      return {
        ok: false,
        code: 'helpdesk_error',
        message: error.status ? `The helpdesk answered HTTP ${error.status}` : 'The helpdesk answered with an error',
      };
  }
}

function safeOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return 'the helpdesk';
  }
}
