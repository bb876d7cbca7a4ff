import type { ConnectionTestResult } from '../../../shared/schemas/workspace';

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
 */
export async function testConnection(
  credentials: HelpdeskCredentials,
  timeoutMs = 10_000,
): Promise<ConnectionTestResult> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/v2/users/me.json', credentials.baseUrl), {
      headers: { Authorization: basicAuthHeader(credentials), Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch {
    return { ok: false, code: 'helpdesk_unreachable', message: `Could not reach ${credentials.baseUrl}` };
  }
  if (response.status === 401) {
    return { ok: false, code: 'helpdesk_auth_failed', message: 'The helpdesk refused the e-mail and API token' };
  }
  if (response.status === 403) {
    return { ok: false, code: 'helpdesk_forbidden', message: 'The token works but is not allowed to read users' };
  }
  if (response.status === 429) {
    const wait = response.headers.get('retry-after') ?? 'a while';
    return { ok: false, code: 'helpdesk_rate_limited', message: `The helpdesk is rate limiting; retry after ${wait} s` };
  }
  if (!response.ok) {
    return { ok: false, code: 'helpdesk_error', message: `The helpdesk answered HTTP ${response.status}` };
  }
  const body = (await response.json().catch(() => null)) as { user?: { id?: unknown; name?: unknown; role?: unknown } } | null;
  const user = body?.user;
  if (!user || typeof user.id !== 'number') {
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
