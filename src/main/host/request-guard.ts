import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface GuardConfig {
  port: number;
  token: string;
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; code: 'unauthorized' | 'forbidden'; message: string };

/** The only Host values a loopback server should see; anything else is a DNS-rebinding attempt. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export function checkHost(headers: IncomingHttpHeaders, port: number): GuardVerdict {
  const host = headers.host?.toLowerCase();
  if (!host || !allowedHosts(port).has(host)) {
    return { ok: false, status: 403, code: 'forbidden', message: 'Unexpected Host header' };
  }
  return { ok: true };
}

/** Browsers send Origin on cross-origin and on all POSTs; Sec-Fetch-Site when they know the relation. */
export function checkOrigin(headers: IncomingHttpHeaders, port: number): GuardVerdict {
  const origin = headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin)) {
    return { ok: false, status: 403, code: 'forbidden', message: 'Cross-origin requests are refused' };
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, status: 403, code: 'forbidden', message: 'Cross-site requests are refused' };
  }
  return { ok: true };
}

export function checkToken(headers: IncomingHttpHeaders, token: string): GuardVerdict {
  const header = headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(header);
  const given = Buffer.from(match?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 401, code: 'unauthorized', message: 'A valid bearer token is required' };
  }
  return { ok: true };
}

/**
 * The body must be JSON by its media type, parsed exactly (RFC 9110 §8.3.1): `application/json`,
 * case-insensitive, with at most a UTF-8 charset parameter. A prefix check would let
 * `application/jsonx` through.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';');
  if (type?.trim().toLowerCase() !== 'application/json') return false;
  return params.every((param) => {
    const [name, ...rest] = param.split('=');
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return name?.trim().toLowerCase() === 'charset' && (value === 'utf-8' || value === 'utf8');
  });
}
