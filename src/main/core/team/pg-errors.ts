import { LetheError } from '../../../shared/errors';

/**
 * Turns what `pg` throws into a LetheError with a stable code. The message names the cause an
 * officer or their DBA can act on; it never carries the connection string (it holds a password)
 * nor SQL.
 */

/** SQLSTATEs our own triggers raise (migrations 0010-0030), and what they mean to a face. */
const OWN_STATES: Record<string, 'forbidden' | 'conflict'> = {
  LT001: 'forbidden', // second-person approval: the preparer cannot approve
  LT002: 'forbidden', // the audit log is append-only
  LT003: 'forbidden', // an audit entry's actor is the role writing it
  LT004: 'conflict', // an audit entry not at the head of the chain
  LT005: 'forbidden', // a request record deleted before its retention period ended, or without its audit entry
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
]);

interface PgLikeError {
  code?: string;
  message?: string;
}

export function isTeamUnreachable(error: unknown): boolean {
  return error instanceof LetheError && error.code === 'team_unreachable';
}

export function toTeamError(error: unknown, where = 'the team database'): LetheError {
  if (error instanceof LetheError) return error;
  const e = (error ?? {}) as PgLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const own = OWN_STATES[code];
  if (own) return new LetheError(own, message, { sqlstate: code });
  if (NETWORK_CODES.has(code) || /Connection terminated|connection timeout|timeout expired/i.test(message)) {
    return new LetheError('team_unreachable', `Cannot reach ${where}: the server did not answer (${code || 'connection lost'})`);
  }
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') {
    return new LetheError('team_unreachable', `Cannot reach ${where}: the server is not accepting connections (${code})`);
  }
  if (code === '28P01') {
    return new LetheError('team_auth_failed', `${where} refused the password for this role`);
  }
  if (code === '28000') {
    if (/no encryption/i.test(message)) {
      return new LetheError(
        'team_tls_required',
        `${where} accepts this role only over TLS: add ?sslmode=require (or verify-full) to the database URL`,
      );
    }
    return new LetheError('team_auth_failed', `${where} does not let this role connect from here (pg_hba.conf)`);
  }
  if (/does not support SSL/i.test(message)) {
    return new LetheError('team_tls_required', `The URL asks for TLS but ${where} does not offer it: ask its administrator to enable ssl`);
  }
  if (code === '3D000') return new LetheError('team_schema_missing', `${where} does not exist on that server`);
  if (code === '3F000' || code === '42P01') {
    return new LetheError('team_schema_missing', `${where} has no Lethe schema yet: run "lethe team init" with an owner's URL first`);
  }
  if (code === '42501') return new LetheError('forbidden', `The role is not allowed to do that in ${where}: ${message}`);
  if (code === '23505') return new LetheError('conflict', `Someone else wrote the same record first: ${message}`);
  return new LetheError('internal_error', `${where} failed (${code || 'no code'})`);
}
