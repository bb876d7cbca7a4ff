import type { Simulator } from './index';

/** A tiny authenticated HTTP helper for tests that talk to a started simulator. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked by assertions, not by types
export type Json = any;

export interface Res<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export type Who = 'admin' | 'agent' | { basic: string } | { bearer: string } | null;

export function authHeader(sim: Simulator, who: Who, scheme: 'basic' | 'bearer' = 'basic'): Record<string, string> {
  if (who === null) return {};
  if (typeof who === 'object')
    return 'basic' in who
      ? { Authorization: `Basic ${Buffer.from(who.basic).toString('base64')}` }
      : { Authorization: `Bearer ${who.bearer}` };
  const cred = sim[who];
  return scheme === 'bearer'
    ? { Authorization: `Bearer ${cred.token}` }
    : { Authorization: `Basic ${Buffer.from(`${cred.email}/token:${cred.token}`).toString('base64')}` };
}

export function api(sim: Simulator, who: Who = 'admin') {
  const call = async <T = Json>(method: string, path: string, body?: unknown): Promise<Res<T>> => {
    const url = path.startsWith('http') ? path : `${sim.url}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        ...authHeader(sim, who),
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    get: <T = Json>(p: string) => call<T>('GET', p),
    put: <T = Json>(p: string, b?: unknown) => call<T>('PUT', p, b),
    post: <T = Json>(p: string, b?: unknown) => call<T>('POST', p, b),
    patch: <T = Json>(p: string, b?: unknown) => call<T>('PATCH', p, b),
    del: <T = Json>(p: string) => call<T>('DELETE', p),
  };
}

/** Polls a job until it is completed or failed; returns the final job_status and the statuses seen. */
export async function waitJob(client: ReturnType<typeof api>, id: string): Promise<{ job: Json; seen: string[] }> {
  const seen: string[] = [];
  for (let k = 0; k < 50; k++) {
    const r = await client.get(`/api/v2/job_statuses/${id}.json`);
    seen.push(r.body.job_status.status);
    if (r.body.job_status.status === 'completed' || r.body.job_status.status === 'failed') return { job: r.body.job_status, seen };
  }
  throw new Error('job did not finish');
}
