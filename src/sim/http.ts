import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimState } from './state';

/** Request context, router and the response/error shapes Zendesk uses. */

export interface Caller {
  userId: number;
  role: 'admin' | 'agent';
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  caller: Caller;
  state: SimState;
  base: string;
  env: SimEnv;
}

/** Server-wide knobs the handlers need (job timing, failure injection). */
export interface SimEnv {
  jobDelayMs: number;
  jobFailureRate: number;
  jobFailIds: ReadonlySet<number>;
  timers: Set<NodeJS.Timeout>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export const notFound = (): HttpError => new HttpError(404, { error: 'RecordNotFound', description: 'Not found' });
export const forbidden = (): HttpError =>
  new HttpError(403, {
    error: 'Forbidden',
    description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  });
export const badRequest = (description: string, error = 'InvalidValue'): HttpError => new HttpError(400, { error, description });
export const invalid = (field: string, description: string, error: string): HttpError =>
  new HttpError(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } });

export interface Route {
  method: string;
  name: string;
  regex: RegExp;
  keys: string[];
  adminOnly: boolean;
  /** Counted against the separate incremental-export budget. */
  exportBudget?: boolean;
  handler: (ctx: Ctx) => unknown;
}

export class Router {
  readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: (ctx: Ctx) => unknown, opts: { adminOnly?: boolean; exportBudget?: boolean } = {}): void {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({
      method,
      name: pattern,
      regex: new RegExp(`^${source}$`),
      keys,
      adminOnly: opts.adminOnly ?? false,
      exportBudget: opts.exportBudget ?? false,
      handler,
    });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

/** Parses a positive int64-ish id from a path segment, or 404 like Zendesk does for junk ids. */
export function idParam(ctx: Ctx, key: string): number {
  const raw = ctx.params[key] ?? '';
  if (!/^\d{1,16}$/.test(raw)) throw notFound();
  return Number(raw);
}

export function idList(ctx: Ctx, key = 'ids', max = 100): number[] {
  const raw = ctx.query.get(key);
  if (raw === null || raw.trim() === '') throw badRequest(`${key} parameter is required`, 'InvalidParameter');
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length > max) throw badRequest(`Too many ${key}: at most ${max}`, 'InvalidParameter');
  if (ids.some((s) => !/^\d{1,16}$/.test(s))) throw badRequest(`${key} must be a comma-separated list of integers`, 'InvalidParameter');
  return ids.map(Number);
}

export function bodyObject(ctx: Ctx, key: string): Record<string, unknown> {
  const b = ctx.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest(`Request body must be a JSON object with "${key}"`, 'InvalidJSON');
  const inner = (b as Record<string, unknown>)[key];
  if (!inner || typeof inner !== 'object' || Array.isArray(inner))
    throw badRequest(`Request body must contain a "${key}" object`, 'InvalidParameter');
  return inner as Record<string, unknown>;
}

const encodeCursor = (n: number): string => Buffer.from(`o:${n}`).toString('base64url');
const decodeCursor = (s: string): number | undefined => {
  const m = /^o:(\d+)$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
};

export function pageUrl(ctx: Ctx, set: Record<string, string>, drop: string[] = []): string {
  const u = new URL(ctx.url.pathname + ctx.url.search, ctx.base);
  for (const d of drop) u.searchParams.delete(d);
  for (const [k, v] of Object.entries(set)) u.searchParams.set(k, v);
  return u.toString().replace(/%5B/g, '[').replace(/%5D/g, ']');
}

function intParam(ctx: Ctx, key: string, def: number, min: number, max: number): number {
  const raw = ctx.query.get(key);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${key} must be an integer`, 'InvalidPaginationParameter');
  const n = Number(raw);
  if (n < min) throw badRequest(`${key} must be at least ${min}`, 'InvalidPaginationParameter');
  return Math.min(n, max);
}

/**
 * List pagination the way Zendesk list endpoints do it: cursor mode when page[size] is given
 * (meta/links, has_more), offset mode otherwise (next_page/previous_page/count, 10,000-record wall).
 */
export function paginate<T>(
  ctx: Ctx,
  items: readonly T[],
  key: string,
  opts: { cbp?: boolean; max?: number } = {},
): Record<string, unknown> {
  const max = opts.max ?? 100;
  const size = ctx.query.get('page[size]');
  if (size !== null && opts.cbp !== false) {
    const n = intParam(ctx, 'page[size]', 100, 1, max);
    const after = ctx.query.get('page[after]');
    const before = ctx.query.get('page[before]');
    let start = 0;
    let end: number;
    if (after) {
      const c = decodeCursor(after);
      if (c === undefined) throw badRequest('Invalid cursor', 'InvalidPaginationParameter');
      start = c;
      end = Math.min(items.length, start + n);
    } else if (before) {
      const c = decodeCursor(before);
      if (c === undefined) throw badRequest('Invalid cursor', 'InvalidPaginationParameter');
      end = c;
      start = Math.max(0, end - n);
    } else end = Math.min(items.length, n);
    const page = items.slice(start, end);
    const hasMore = end < items.length;
    const afterCursor = page.length ? encodeCursor(end) : null;
    const beforeCursor = page.length ? encodeCursor(start) : null;
    return {
      [key]: page,
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        next: hasMore && afterCursor ? pageUrl(ctx, { 'page[after]': afterCursor }, ['page[before]']) : null,
        prev: start > 0 && beforeCursor ? pageUrl(ctx, { 'page[before]': beforeCursor }, ['page[after]']) : null,
      },
    };
  }
  const perPage = intParam(ctx, 'per_page', 100, 1, 100);
  const page = intParam(ctx, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  if (page * perPage > 10_000 && (page - 1) * perPage >= 10_000) {
    throw badRequest(
      'Offset pagination is limited to the first 10,000 records. Use cursor pagination instead.',
      'InvalidPaginationParameter',
    );
  }
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  const more = start + perPage < items.length;
  return {
    [key]: slice,
    next_page: more ? pageUrl(ctx, { page: String(page + 1), per_page: String(perPage) }) : null,
    previous_page: page > 1 ? pageUrl(ctx, { page: String(page - 1), per_page: String(perPage) }) : null,
    count: items.length,
  };
}

/** Sliding one-minute window. */
export class MinuteBudget {
  private hits: number[] = [];
  constructor(readonly limit: number) {}
  private prune(now: number): void {
    let k = 0;
    while (k < this.hits.length && (this.hits[k] ?? 0) <= now - 60_000) k++;
    if (k) this.hits.splice(0, k);
  }
  remaining(now: number): number {
    this.prune(now);
    return Math.max(0, this.limit - this.hits.length);
  }
  /** Seconds until one more request fits. */
  retryAfter(now: number): number {
    this.prune(now);
    const oldest = this.hits[0] ?? now;
    return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
  }
  take(now: number): void {
    this.hits.push(now);
  }
}

export async function readBody(req: IncomingMessage, limit = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > limit) throw new HttpError(413, { error: 'PayloadTooLarge', description: 'Request body too large' });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
