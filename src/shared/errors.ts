/**
 * Stable error codes. Faces (UI, HTTP, CLI) show and branch on these codes, so a code once shipped
 * is never renamed: add a new one instead.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_operation',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'keychain_unavailable',
  'secret_missing',
  'helpdesk_auth_failed',
  'helpdesk_forbidden',
  'helpdesk_unreachable',
  'helpdesk_rate_limited',
  'helpdesk_error',
  'helpdesk_bad_response',
  'db_key_invalid',
  'db_corrupt',
  'db_from_future',
  'db_locked',
  'payload_too_large',
  'demo_unavailable',
  /** A recovery key that does not open the backup or key file it was given for. */
  'recovery_key_wrong',
  /** A backup or key file that is not intact (truncated, altered, not a Lethe file). */
  'backup_damaged',
  'cancelled',
  /** An erasure confirmation that does not acknowledge the plan's mentions left for review (kept as they are). */
  'mentions_unreviewed',
  /** A CLI `--out` that cannot be written as asked: a folder, a missing folder, an existing file without --force. */
  'invalid_output',
  'internal_error',
  // Team mode (a shared PostgreSQL): each a distinct cause the officer or their DBA can act on.
  'team_unreachable',
  'team_auth_failed',
  'team_schema_missing',
  'team_schema_newer',
  'team_tls_required',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Optional machine-readable details; never personal data, never secrets. */
  details?: Record<string, string | number | boolean | null>;
}

/** An error whose code and message are safe to show to a user and to cross a process boundary. */
export class LetheError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorInfo['details'];

  constructor(code: ErrorCode, message: string, details?: ErrorInfo['details']) {
    super(message);
    this.name = 'LetheError';
    this.code = code;
    this.details = details;
  }

  toInfo(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isLetheError(value: unknown): value is LetheError {
  return value instanceof LetheError;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
