import type { z } from 'zod';
import { currentRequestScope, isBackgroundScope } from './request-scope';
import { registerSecret, type Logger } from '../log/logger';
import type { Clock } from './clock';
import {
  HelpdeskAuthError,
  HelpdeskBadResponseError,
  HelpdeskCancelledError,
  HelpdeskError,
  HelpdeskForbiddenError,
  HelpdeskHttpError,
  HelpdeskNotFoundError,
  HelpdeskRateLimitedError,
  HelpdeskUnreachableError,
  parseErrorBody,
} from './errors';
import { backoffDelay, isIdempotent, isRetryableStatus, parseRetryAfter, type BackoffOptions } from './retry-policy';
import { RateLimitScheduler } from './scheduler';

export type HelpdeskAuth = { baseUrl: string; email: string; token: string } | { baseUrl: string; bearer: string };

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface RequestInfo {
  method: string;
  /** The path template, e.g. `/api/v2/users/{user_id}`. */
  template: string;
  url: URL;
  attempt: number;
  /** What the request is for, when the caller named it (`withRequestScope`), e.g. `surface:side_conversations`. */
  scope?: string | undefined;
}

export interface TransportOptions {
  scheduler?: RateLimitScheduler;
  /** Used when no scheduler is given. */
  clock?: Clock;
  /** Attempts per request, the first one included. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Per attempt, until the body is read (until the headers, for downloads). */
  timeoutMs?: number;
  logger?: Logger;
  /** Called before each attempt is sent: for tests and the conformance suite. */
  onRequest?: (info: RequestInfo) => void;
}

export interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template with `{name}` placeholders filled from `params`. */
  template: string;
  params?: Record<string, string | number>;
  query?: Record<string, QueryValue>;
  /** An absolute URL from a pagination link; only its path and query are used (see `rebase`). */
  url?: string;
  body?: unknown;
  /** Counts against the incremental-export budget too. */
  export?: boolean;
  /** A POST that is safe to repeat. */
  idempotent?: boolean;
  signal?: AbortSignal | undefined;
  /** Hand a 3xx back to the caller instead of failing (attachment downloads follow them by hand). */
  acceptRedirect?: boolean;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 60_000 };

/**
 * Sends requests to one helpdesk account through a shared rate-limit scheduler, retrying what is
 * safe to retry, and turns every failure into a typed HelpdeskError. The credentials live only in
 * a private field and in the Authorization header; nothing here puts them in a message.
 */
export class HelpdeskTransport {
  readonly baseUrl: URL;
  readonly scheduler: RateLimitScheduler;
  readonly #authorization: string;
  /** Every form the credentials take on the wire, to scrub from anything a server echoes back. */
  readonly #secrets: string[];
  readonly #maxAttempts: number;
  readonly #backoff: BackoffOptions;
  readonly #random: () => number;
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #onRequest: TransportOptions['onRequest'];

  constructor(auth: HelpdeskAuth, options: TransportOptions = {}) {
    const base = new URL(auth.baseUrl);
    base.username = '';
    base.password = '';
    base.pathname = base.pathname.replace(/\/+$/, '');
    base.search = '';
    base.hash = '';
    this.baseUrl = base;
    if ('bearer' in auth) {
      registerSecret(auth.bearer);
      this.#authorization = `Bearer ${auth.bearer}`;
      this.#secrets = [auth.bearer];
    } else {
      registerSecret(auth.token);
      const encoded = Buffer.from(`${auth.email}/token:${auth.token}`).toString('base64');
      registerSecret(encoded);
      this.#authorization = `Basic ${encoded}`;
      this.#secrets = [auth.token, encoded];
    }
    this.scheduler = options.scheduler ?? new RateLimitScheduler(options.clock ? { clock: options.clock } : {});
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#random = options.random ?? Math.random;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#logger = options.logger;
    this.#onRequest = options.onRequest;
  }

  get origin(): string {
    return this.baseUrl.origin;
  }

  /** The URL of a call: the template filled in, or a pagination link moved onto our own base URL. */
  urlOf(spec: Pick<CallSpec, 'template' | 'params' | 'query' | 'url'>): URL {
    if (spec.url !== undefined) return this.rebase(spec.url);
    const path = spec.template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = spec.params?.[name];
      if (value === undefined) throw new Error(`Missing path parameter ${name} for ${spec.template}`);
      return encodeURIComponent(String(value));
    });
    const url = new URL(this.baseUrl.href.replace(/\/$/, '') + path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined || value === null) continue;
      url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    return url;
  }

  /**
   * Pagination links are followed by path and query on our own base URL, never by host: a link to
   * another host would otherwise receive the credentials.
   */
  rebase(link: string): URL {
    const parsed = new URL(link, this.baseUrl);
    // A base URL with a path prefix (a proxy, the simulator under a path) keeps it on every link.
    const prefix = this.baseUrl.pathname.replace(/\/+$/, '');
    const path = prefix && !parsed.pathname.startsWith(`${prefix}/`) ? prefix + parsed.pathname : parsed.pathname;
    return new URL(`${this.baseUrl.origin}${path}${parsed.search}`);
  }

  /** Sends a call and returns the parsed JSON body (undefined for an empty body). */
  async json(spec: CallSpec): Promise<unknown> {
    const text = await this.request(spec, (response) => response.text());
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new HelpdeskBadResponseError(operationOf(spec), resourceOf(spec.template), ['(body is not JSON)']);
    }
  }

  /** Sends a call and validates the body with `schema`, naming `resource` and field paths on failure. */
  async parse<S extends z.ZodType>(spec: CallSpec, resource: string, schema: S): Promise<z.output<S>> {
    const body = await this.json(spec);
    return validate(schema, body, operationOf(spec), resource);
  }

  /**
   * Sends with retries. `consume` reads the successful response inside the attempt (so a socket
   * dropped mid-body is retried like one dropped before the headers) while the attempt's timeout
   * still runs; with `consume` omitted the response comes back unread and the timeout stops at the
   * headers (downloads). The abort signal cancels waits, attempts and backoff alike.
   */
  async request<T = Response>(
    spec: CallSpec,
    consume?: (response: Response) => Promise<T>,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const operation = operationOf(spec);
    const url = this.urlOf(spec);
    const idempotent = isIdempotent(spec.method, spec.idempotent);
    const clock = this.scheduler.clock;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#maxAttempts;
      try {
        await this.scheduler.acquire({
          export: spec.export ?? false,
          background: isBackgroundScope(currentRequestScope()),
          ...(spec.signal ? { signal: spec.signal } : {}),
        });
      } catch {
        throw new HelpdeskCancelledError(operation);
      }
      if (attempt > 1) this.scheduler.noteRetry();
      this.#onRequest?.({ method: spec.method, template: spec.template, url, attempt, scope: currentRequestScope() });
      const started = clock.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('timeout')), this.#timeoutMs);
      const onAbort = (): void => controller.abort(spec.signal?.reason);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      let response: Response;
      let result: T;
      let text = '';
      try {
        response = await fetch(url, {
          method: spec.method,
          headers: {
            Authorization: this.#authorization,
            Accept: 'application/json',
            'User-Agent': 'Lethe',
            ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
            ...headers,
          },
          body: spec.body === undefined ? null : JSON.stringify(spec.body),
          redirect: 'manual',
          signal: controller.signal,
        });
        this.scheduler.observe(response.headers);
        this.#logger?.debug(`${operation} → ${response.status} in ${clock.now() - started} ms`);
        const redirect = spec.acceptRedirect === true && response.status >= 300 && response.status < 400;
        if (response.ok || redirect) {
          if (!consume || redirect) {
            // The body is the caller's to read (a download): the timeout ends here, but the abort
            // signal stays linked so cancelling also stops the stream.
            clearTimeout(timer);
            return response as T;
          }
          result = await consume(response);
          done();
          return result;
        }
        text = await response.text().catch(() => '');
        done();
      } catch (error) {
        done();
        if (spec.signal?.aborted) throw new HelpdeskCancelledError(operation);
        const reason = networkReason(error);
        if (!idempotent || last) throw new HelpdeskUnreachableError(operation, reason, attempt);
        const wait = backoffDelay(attempt, this.#backoff, this.#random);
        this.#logger?.warn(`${operation}: ${reason}; retry ${attempt + 1} in ${wait} ms`);
        await this.#sleep(wait, spec, operation);
        continue;
      }

      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), clock.now());
      if (response.status === 429) {
        this.scheduler.noteRateLimited();
        const wait = retryAfter ?? backoffDelay(attempt, this.#backoff, this.#random);
        // Everyone sharing the scheduler waits, not only this caller: the budget is the account's.
        this.scheduler.pauseUntil(clock.now() + wait);
        if (!idempotent || last) throw new HelpdeskRateLimitedError(operation, wait, attempt);
        this.#logger?.warn(`${operation}: rate limited; retry ${attempt + 1} in ${wait} ms`);
        continue;
      }
      if (isRetryableStatus(response.status) && idempotent && !last) {
        const wait = retryAfter ?? backoffDelay(attempt, this.#backoff, this.#random);
        this.#logger?.warn(`${operation}: HTTP ${response.status}; retry ${attempt + 1} in ${wait} ms`);
        await this.#sleep(wait, spec, operation);
        continue;
      }
      throw errorFor(operation, response.status, this.#scrub(text), response.headers.get('content-type'), attempt);
    }
  }

  #scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (secret) out = out.split(secret).join('[secret]');
    return out;
  }

  async #sleep(ms: number, spec: CallSpec, operation: string): Promise<void> {
    try {
      await this.scheduler.clock.sleep(ms, spec.signal);
    } catch {
      throw new HelpdeskCancelledError(operation);
    }
  }
}

export function operationOf(spec: Pick<CallSpec, 'method' | 'template'>): string {
  return `${spec.method} ${spec.template}`;
}

/** `/api/v2/users/{user_id}/identities` → `identities`: the resource named in errors. */
export function resourceOf(template: string): string {
  const parts = template.split('/').filter((p) => p && !p.startsWith('{') && p !== 'api' && p !== 'v2');
  return parts.join('.') || template;
}

function errorFor(operation: string, status: number, text: string, contentType: string | null, attempts: number): HelpdeskError {
  const envelope = parseErrorBody(text, contentType);
  switch (status) {
    case 401:
      return new HelpdeskAuthError(operation);
    case 403:
      return new HelpdeskForbiddenError(operation, envelope.description);
    case 404:
      return new HelpdeskNotFoundError(operation);
    default:
      return new HelpdeskHttpError(operation, status, envelope, attempts);
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.message === 'timeout') return 'timed out';
  if ((error as { name?: unknown } | null)?.name === 'AbortError' || (cause as { message?: unknown } | undefined)?.message === 'timeout')
    return 'timed out';
  return 'network error';
}

/** Validates a body, reporting the resource and the failing field paths, never the values. */
export function validate<S extends z.ZodType>(schema: S, body: unknown, operation: string, resource: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields = [...new Set(result.error.issues.map((issue) => issue.path.map(String).join('.') || '(body)'))].slice(0, 8);
  throw new HelpdeskBadResponseError(operation, resource, fields);
}
