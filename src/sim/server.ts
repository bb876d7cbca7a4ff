import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, MinuteBudget, Router, readBody, type Caller, type Ctx, type SimEnv } from './http';
import { jsonBytes } from './json-bytes';
import { Reply, registerJobRoutes } from './jobs';
import { registerExportRoutes } from './routes-export';
import { registerListRoutes } from './routes-lists';
import { registerSearchRoutes } from './routes-search';
import { attachmentDownload, registerTicketRoutes } from './routes-tickets';
import { registerUserRoutes } from './routes-users';
import { registerSuspendedRoutes } from './suspended';
import { registerSatisfactionRoutes } from './satisfaction';
import { registerAuditRoutes } from './audits';
import { registerSideConversationRoutes } from './side-conversations';
import { registerHelpCenterRoutes } from './help-center-routes';
import { registerTalkRoutes } from './talk';
import { registerCustomObjectRoutes } from './custom-objects';
import type { SimState } from './state';

/** node:http front: faults, auth, rate limits, routing, and Zendesk's error envelopes. */

export interface ServerConfig {
  port: number;
  state: SimState;
  credentials: { email: string; token: string; caller: Caller }[];
  rateLimitPerMinute: number;
  exportLimitPerMinute: number;
  noLimits: boolean;
  faults: { errorRate: number; slowMs: number; dropRate: number };
  env: SimEnv;
  log?: (line: string) => void;
}

export function buildRouter(): Router {
  const r = new Router();
  registerUserRoutes(r);
  registerListRoutes(r);
  registerTicketRoutes(r);
  registerExportRoutes(r);
  registerSearchRoutes(r);
  registerJobRoutes(r);
  registerSuspendedRoutes(r);
  registerSatisfactionRoutes(r);
  registerAuditRoutes(r);
  registerSideConversationRoutes(r);
  registerHelpCenterRoutes(r);
  registerTalkRoutes(r);
  registerCustomObjectRoutes(r);
  return r;
}

function authenticate(req: IncomingMessage, creds: ServerConfig['credentials']): Caller | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [scheme, value = ''] = h.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return creds.find((c) => c.token === value)?.caller;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const m = /^(.+)\/token:(.*)$/.exec(decoded);
    if (!m) return undefined;
    const email = (m[1] ?? '').toLowerCase();
    return creds.find((c) => c.email.toLowerCase() === email && c.token === m[2])?.caller;
  }
  return undefined;
}

export async function startServer(cfg: ServerConfig): Promise<{ server: Server; url: string }> {
  const router = buildRouter();
  const global = new MinuteBudget(cfg.rateLimitPerMinute);
  const exports = new MinuteBudget(cfg.exportLimitPerMinute);
  const talkExports = new MinuteBudget(cfg.exportLimitPerMinute);
  const state = cfg.state;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.headersSent || res.destroyed) return;
    // A Buffer is sent as it is (a Talk recording), with the content type its route set.
    const json = !Buffer.isBuffer(body) && body !== undefined && status !== 204;
    const payload = Buffer.isBuffer(body) ? body : json ? jsonBytes(body) : '';
    res.writeHead(status, { ...(json ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...headers });
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname.replace(/\.json$/, '').replace(/(.)\/$/, '$1');
    const method = (req.method ?? 'GET').toUpperCase();
    let routeName = path;
    let status = 0;
    const finish = (s: number): void => {
      status = s;
      state.logRequest({ method, path, route: routeName, status, atMs: Date.now() });
      cfg.log?.(`${method} ${path} ${status} ${Date.now() - started}ms`);
    };

    const isSim = path.startsWith('/__sim/');
    const now = Date.now();
    // Talk's incremental exports have a 10-a-minute limit of their own (Talk API reference, Incremental Exports).
    const isTalkExport = path.startsWith('/api/v2/channels/voice/stats/incremental/');
    const isExport = path.startsWith('/api/v2/incremental/') || isTalkExport;
    const budget = isTalkExport ? talkExports : exports;
    const rateHeaders = (): Record<string, string> => {
      const h: Record<string, string> = {
        'X-Rate-Limit': String(cfg.rateLimitPerMinute),
        'X-Rate-Limit-Remaining': String(cfg.noLimits ? cfg.rateLimitPerMinute : global.remaining(now)),
      };
      if (isExport && !isTalkExport) {
        const rem = cfg.noLimits ? cfg.exportLimitPerMinute : budget.remaining(now);
        h['Zendesk-RateLimit-incremental-exports'] =
          `total=${cfg.exportLimitPerMinute}; remaining=${rem}; resets=${cfg.noLimits ? 60 : budget.retryAfter(now)}`;
      }
      return h;
    };
    if (!isSim) {
      if (cfg.faults.dropRate > 0 && Math.random() < cfg.faults.dropRate) {
        finish(0);
        req.socket.destroy();
        return;
      }
      if (cfg.faults.slowMs > 0) await new Promise((r) => setTimeout(r, cfg.faults.slowMs));
      if (cfg.faults.errorRate > 0 && Math.random() < cfg.faults.errorRate) {
        finish(500);
        send(res, 500, { error: 'InternalServerError', description: 'Simulated server error' }, rateHeaders());
        return;
      }
    }

    const tokenMatch = /^\/attachments\/token\/([^/]+)$/.exec(path);
    if (tokenMatch && method === 'GET') {
      try {
        const file = attachmentDownload({ state, env: cfg.env } as Ctx, tokenMatch[1] ?? '');
        finish(200);
        res.writeHead(200, {
          'Content-Type': file.contentType,
          'Content-Length': String(file.bytes.length),
          'Content-Disposition': `attachment; filename="${encodeURIComponent(file.fileName)}"`,
        });
        res.end(file.bytes);
      } catch (e) {
        const err = e instanceof HttpError ? e : new HttpError(500, { error: 'InternalServerError' });
        finish(err.status);
        send(res, err.status, err.payload);
      }
      return;
    }

    const caller = authenticate(req, cfg.credentials);
    if (!caller) {
      finish(401);
      send(
        res,
        401,
        { error: "Couldn't authenticate you" },
        { ...(isSim ? {} : rateHeaders()), 'WWW-Authenticate': 'Basic realm="Web Password"' },
      );
      return;
    }

    if (isSim) {
      if (caller.role !== 'admin') {
        finish(403);
        send(res, 403, { error: 'Forbidden', description: 'Simulator inspection is admin-only' });
        return;
      }
      if (path === '/__sim/state' && method === 'GET') {
        finish(200);
        send(res, 200, state.summary());
        return;
      }
      if (path === '/__sim/clock' && method === 'POST') {
        const raw = await readBody(req);
        const body = raw ? (JSON.parse(raw) as { advance_seconds?: number }) : {};
        state.advanceClock((body.advance_seconds ?? 0) * 1000);
        finish(200);
        send(res, 200, { now: new Date(state.now()).toISOString() });
        return;
      }
      finish(404);
      send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
      return;
    }

    if (!cfg.noLimits) {
      if (global.remaining(now) <= 0) {
        finish(429);
        send(
          res,
          429,
          { error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' },
          { ...rateHeaders(), 'Retry-After': String(global.retryAfter(now)) },
        );
        return;
      }
      if (isExport && budget.remaining(now) <= 0) {
        finish(429);
        send(
          res,
          429,
          { error: 'APIRateLimitExceeded', description: 'Number of allowed incremental export API requests per minute exceeded' },
          { ...rateHeaders(), 'Retry-After': String(budget.retryAfter(now)) },
        );
        return;
      }
      global.take(now);
      if (isExport) budget.take(now);
    }

    const matched = router.match(method, path);
    if (matched === undefined) {
      finish(404);
      send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' }, rateHeaders());
      return;
    }
    if (matched === 'method') {
      finish(405);
      send(res, 405, { error: 'MethodNotAllowed', description: `${method} is not allowed on this endpoint` }, rateHeaders());
      return;
    }
    routeName = matched.route.name;
    if (matched.route.adminOnly && caller.role !== 'admin') {
      finish(403);
      send(
        res,
        403,
        {
          error: 'Forbidden',
          description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.',
        },
        rateHeaders(),
      );
      return;
    }
    try {
      let body: unknown = null;
      if (method !== 'GET' && method !== 'HEAD') {
        const raw = await readBody(req);
        if (raw.trim()) {
          try {
            body = JSON.parse(raw);
          } catch {
            throw new HttpError(400, { error: 'InvalidJSON', description: 'The request body is not valid JSON' });
          }
        }
      }
      const ctx: Ctx = { req, res, url, path, params: matched.params, query: url.searchParams, body, caller, state, base, env: cfg.env };
      const out = await matched.route.handler(ctx);
      if (out instanceof Reply) {
        finish(out.status);
        send(res, out.status, out.body, { ...rateHeaders(), ...out.headers });
      } else {
        finish(200);
        send(res, 200, out, rateHeaders());
      }
    } catch (e) {
      if (e instanceof HttpError) {
        finish(e.status);
        send(res, e.status, e.payload, { ...rateHeaders(), ...e.headers });
      } else {
        finish(500);
        cfg.log?.(`internal error on ${method} ${routeName}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        send(res, 500, { error: 'InternalServerError', description: 'Unexpected simulator error' }, rateHeaders());
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      cfg.log?.(`unhandled: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) send(res, 500, { error: 'InternalServerError' });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return { server, url: base };
}
