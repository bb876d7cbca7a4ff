import { describe, expect, it } from 'vitest';
import { HelpdeskHttpError, HelpdeskRateLimitedError, parseErrorBody } from './errors';

describe('parseErrorBody', () => {
  it('reads the classic envelope, keeping field names but not their messages', () => {
    const parsed = parseErrorBody(
      JSON.stringify({
        error: 'RecordInvalid',
        description: 'Record validation errors',
        details: { email: [{ description: 'Email: jane@example.com is already being used', error: 'DuplicateValue' }] },
      }),
      'application/json',
    );
    expect(parsed).toEqual({ kind: 'RecordInvalid', description: 'Record validation errors', fields: ['email'] });
  });

  it('reads the object form of `error`', () => {
    expect(
      parseErrorBody('{"error":{"title":"Invalid attribute","message":"You passed an invalid value"}}', 'application/json'),
    ).toMatchObject({
      kind: 'Invalid attribute',
      description: 'You passed an invalid value',
    });
  });

  it('reads the JSON:API envelope', () => {
    const parsed = parseErrorBody(
      '{"errors":[{"code":"TooManyRequests","title":"Too many requests","detail":"Slow down","source":{"pointer":"/data"}}]}',
      'application/json',
    );
    expect(parsed).toEqual({ kind: 'TooManyRequests', description: 'Slow down', fields: ['/data'] });
  });

  it('reads text/plain and HTML, cut short', () => {
    expect(parseErrorBody('Service Unavailable', 'text/plain').description).toBe('Service Unavailable');
    expect(parseErrorBody('<html><body><h1>Bad Gateway</h1></body></html>', 'text/html').description).toBe('Bad Gateway');
    expect(parseErrorBody('x'.repeat(1000), 'text/plain').description!.length).toBeLessThan(200);
    expect(parseErrorBody('', null)).toEqual({ kind: undefined, description: undefined, fields: [] });
  });
});

describe('error classes', () => {
  it('carry the stable codes and safe details', () => {
    const http = new HelpdeskHttpError('PUT /api/v2/users/{user_id}', 422, {
      kind: 'RecordInvalid',
      description: 'bad',
      fields: ['email'],
    });
    expect(http.code).toBe('helpdesk_error');
    expect(http.toInfo().details).toMatchObject({
      status: 422,
      operation: 'PUT /api/v2/users/{user_id}',
      errorKind: 'RecordInvalid',
      fields: 'email',
    });
    const limited = new HelpdeskRateLimitedError('GET /api/v2/users/me', 12_300, 5);
    expect(limited.code).toBe('helpdesk_rate_limited');
    expect(limited.message).toContain('13 s');
    expect(limited.toInfo().details).toMatchObject({ waitMs: 12_300, retryAfterSeconds: 13 });
  });
});
