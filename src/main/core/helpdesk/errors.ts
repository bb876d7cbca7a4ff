import { LetheError, type ErrorCode, type ErrorInfo } from '../../../shared/errors';

/**
 * Errors of the helpdesk client. Every one is a LetheError with a stable code, and none carries a
 * credential, a request header, a response body or a value from a record: messages name the
 * operation, the status and (for schema failures) the field path only, so they are safe to log,
 * show and send across IPC.
 */
export class HelpdeskError extends LetheError {
  /** The operation that failed, e.g. `GET /api/v2/users/{id}`: a template, never concrete values. */
  readonly operation: string;
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, operation: string, status?: number, details?: ErrorInfo['details']) {
    super(code, message, { operation, ...(status === undefined ? {} : { status }), ...details });
    this.name = 'HelpdeskError';
    this.operation = operation;
    this.status = status;
  }
}

export class HelpdeskAuthError extends HelpdeskError {
  constructor(operation: string, status = 401) {
    super('helpdesk_auth_failed', `The helpdesk refused the credentials (${operation})`, operation, status);
    this.name = 'HelpdeskAuthError';
  }
}

export class HelpdeskForbiddenError extends HelpdeskError {
  constructor(operation: string, reason?: string) {
    super('helpdesk_forbidden', `The credentials are not allowed to do this (${operation})${reason ? `: ${reason}` : ''}`, operation, 403);
    this.name = 'HelpdeskForbiddenError';
  }
}

export class HelpdeskNotFoundError extends HelpdeskError {
  constructor(operation: string) {
    super('not_found', `The helpdesk has no such record (${operation})`, operation, 404);
    this.name = 'HelpdeskNotFoundError';
  }
}

export class HelpdeskRateLimitedError extends HelpdeskError {
  /** How long the helpdesk asked us to wait, in milliseconds. */
  readonly waitMs: number;

  constructor(operation: string, waitMs: number, attempts: number) {
    const seconds = Math.ceil(waitMs / 1000);
    super('helpdesk_rate_limited', `The helpdesk is rate limiting (${operation}); retry in ${seconds} s`, operation, 429, {
      waitMs,
      retryAfterSeconds: seconds,
      attempts,
    });
    this.name = 'HelpdeskRateLimitedError';
    this.waitMs = waitMs;
  }
}

export class HelpdeskUnreachableError extends HelpdeskError {
  constructor(operation: string, reason: string, attempts: number) {
    super('helpdesk_unreachable', `Could not reach the helpdesk (${operation}): ${reason}`, operation, undefined, { attempts });
    this.name = 'HelpdeskUnreachableError';
  }
}

/** Any other non-success status. `errorKind`/`description` come from Zendesk's error envelope. */
export class HelpdeskHttpError extends HelpdeskError {
  readonly errorKind: string | undefined;

  constructor(operation: string, status: number, envelope: ParsedErrorBody, attempts = 1) {
    const what = [envelope.kind, envelope.description].filter(Boolean).join(': ');
    super('helpdesk_error', `The helpdesk answered HTTP ${status} (${operation})${what ? `: ${what}` : ''}`, operation, status, {
      attempts,
      ...(envelope.kind ? { errorKind: envelope.kind } : {}),
      ...(envelope.fields.length ? { fields: envelope.fields.join(',') } : {}),
    });
    this.name = 'HelpdeskHttpError';
    this.errorKind = envelope.kind;
  }
}

export class HelpdeskBadResponseError extends HelpdeskError {
  readonly resource: string;
  readonly fields: string[];

  constructor(operation: string, resource: string, fields: string[]) {
    super(
      'helpdesk_bad_response',
      `The helpdesk sent a ${resource} response Lethe cannot read (${operation}); fields: ${fields.join(', ') || '(body)'}`,
      operation,
      undefined,
      { resource, fields: fields.join(',') },
    );
    this.name = 'HelpdeskBadResponseError';
    this.resource = resource;
    this.fields = fields;
  }
}

export class HelpdeskCancelledError extends HelpdeskError {
  constructor(operation: string) {
    super('cancelled', `Cancelled (${operation})`, operation);
    this.name = 'HelpdeskCancelledError';
  }
}

export interface ParsedErrorBody {
  /** Zendesk's short error name (`RecordNotFound`, `RecordInvalid`, `TooManyRequests`…). */
  kind: string | undefined;
  /** Human description; may echo submitted values, so it is cut short and never includes `details`. */
  description: string | undefined;
  /** Field names from `details` (422) or `source.pointer`: names only, never their messages. */
  fields: string[];
}

const MAX_DESCRIPTION = 160;

function short(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const one = text.replace(/\s+/g, ' ').trim();
  if (!one) return undefined;
  return one.length > MAX_DESCRIPTION ? `${one.slice(0, MAX_DESCRIPTION)}…` : one;
}

/**
 * Reads the two Zendesk error envelopes, `{error, description, details}` (where `error` may also be
 * an object `{title, message}`) and JSON:API style `{errors:[{code,title,detail}]}`, and text/plain
 * bodies. Unknown shapes give an empty result rather than an exception: the status still speaks.
 */
export function parseErrorBody(text: string, contentType: string | null): ParsedErrorBody {
  const empty: ParsedErrorBody = { kind: undefined, description: undefined, fields: [] };
  if (!text) return empty;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (contentType && !/json/i.test(contentType)) return { ...empty, description: short(text.replace(/<[^>]*>/g, ' ')) };
    return { ...empty, description: short(text.replace(/<[^>]*>/g, ' ')) };
  }
  if (typeof body !== 'object' || body === null) return { ...empty, description: short(String(body)) };
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    const first = record.errors[0] as Record<string, unknown> | undefined;
    const fields = record.errors
      .map((e) => (e as { source?: { pointer?: unknown; parameter?: unknown } } | null)?.source)
      .map((s) => (typeof s?.pointer === 'string' ? s.pointer : typeof s?.parameter === 'string' ? s.parameter : undefined))
      .filter((s): s is string => Boolean(s));
    return {
      kind: short(first?.code) ?? short(first?.title),
      description: short(first?.detail) ?? short(first?.title),
      fields,
    };
  }
  const error = record.error;
  const details = record.details;
  const fields = details && typeof details === 'object' && !Array.isArray(details) ? Object.keys(details) : [];
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    return { kind: short(e.title), description: short(e.message), fields };
  }
  return { kind: short(error), description: short(record.description), fields };
}
