import { RateLimitScheduler, ZendeskClient } from '../../src/main/core/helpdesk';
import type { Simulator } from '../../src/sim';

/**
 * The simulator's own API, as an admin, for tests that check through the helpdesk (not its
 * internals) what Lethe did: a plain request, and a Lethe client without a real budget.
 */
export async function simApi<T = Record<string, unknown>>(
  sim: Simulator,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export function simClient(sim: Simulator): ZendeskClient {
  return new ZendeskClient(
    { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }) },
  );
}
