import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { LetheError, type ErrorInfo, type Result } from '../../shared/errors';
import type { Core } from '../core/create-core';
import type { Logger } from '../core/log/logger';
import { RECEIPT_DOWNLOAD_PATH } from '../core/erasure/receipt-file';
import { EXPORT_DOWNLOAD_PATH, sendExport, sendReceipt } from './export-download';
import { exportsDir } from '../core/subjects';
import { checkPaths } from './path-policy';
import { checkHost, checkOrigin, checkToken, isJsonContentType, type GuardVerdict } from './request-guard';
import { resolveStaticFile } from './static-files';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface HostOptions {
  core: Core;
  rendererDir: string;
  token: string;
  port?: number;
  log: Logger;
}

export interface Host {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

const STATUS_FOR_CODE: Partial<Record<ErrorInfo['code'], number>> = {
  invalid_input: 400,
  unknown_operation: 404,
  not_found: 404,
  conflict: 409,
  mentions_unreviewed: 409,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  internal_error: 500,
};

function send(res: ServerResponse, status: number, body: string | Buffer, contentType: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function sendResult(res: ServerResponse, result: Result<unknown>): void {
  const status = result.ok ? 200 : (STATUS_FOR_CODE[result.error.code] ?? 422);
  send(res, status, JSON.stringify(result), 'application/json; charset=utf-8');
}

function sendRefusal(res: ServerResponse, verdict: Exclude<GuardVerdict, { ok: true }>): void {
  sendResult(res, { ok: false, error: { code: verdict.code, message: verdict.message } });
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Browser mode: the built renderer plus `POST /api/<operation>` on 127.0.0.1 only. Every API call
 * needs the per-launch bearer token; every request needs the loopback Host header (DNS
 * rebinding) and, when the browser says where it comes from, the same origin.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const { core, rendererDir, token, log } = options;
  let port = 0;
  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = core.events.subscribe((name, payload) => {
    const frame = `event: message\ndata: ${JSON.stringify({ name, payload })}\n\n`;
    for (const stream of eventStreams) stream.write(frame);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostVerdict = checkHost(req.headers, port);
    if (!hostVerdict.ok) return sendRefusal(res, hostVerdict);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname.startsWith('/api/')) {
      // A client that leaves takes its call with it: long work (archive verification) stops. The
      // listener goes on first, as the client may leave while its body is still being read.
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const originVerdict = checkOrigin(req.headers, port);
      if (!originVerdict.ok) return sendRefusal(res, originVerdict);
      const tokenVerdict = checkToken(req.headers, token);
      if (!tokenVerdict.ok) return sendRefusal(res, tokenVerdict);

      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-store',
          Connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        eventStreams.add(res);
        req.on('close', () => eventStreams.delete(res));
        return;
      }
      const download = EXPORT_DOWNLOAD_PATH.exec(url.pathname);
      const receipt = RECEIPT_DOWNLOAD_PATH.exec(url.pathname);
      if ((download?.[1] || receipt) && req.method === 'GET') {
        try {
          if (receipt) {
            const format = receipt[3] === 'json' ? 'json' : 'html';
            return await sendReceipt(res, core.services.dataDir, receipt[1]!, receipt[2]!, format, SECURITY_HEADERS);
          }
          return await sendExport(res, core.services.dataDir, download![1]!, SECURITY_HEADERS);
        } catch (error) {
          if (res.headersSent) return void res.destroy();
          const info =
            error instanceof LetheError ? error.toInfo() : { code: 'internal_error' as const, message: 'The export could not be read' };
          return sendResult(res, { ok: false, error: info });
        }
      }
      if (req.method !== 'POST') {
        return send(res, 405, JSON.stringify({ ok: false, error: { code: 'invalid_input', message: 'Use POST' } }), 'application/json', {
          Allow: 'POST',
        });
      }
      if (!isJsonContentType(req.headers['content-type'])) {
        return sendResult(res, { ok: false, error: { code: 'invalid_input', message: 'Send application/json' } });
      }
      let name: string;
      try {
        name = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        return sendResult(res, {
          ok: false,
          error: { code: 'invalid_input', message: 'The operation name is not valid percent-encoding' },
        });
      }
      const body = await readBody(req);
      if (body === 'too_large') {
        return sendResult(res, {
          ok: false,
          error: { code: 'payload_too_large', message: `The request body exceeds ${MAX_BODY_BYTES} bytes` },
        });
      }
      let payload: unknown;
      try {
        payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        return sendResult(res, { ok: false, error: { code: 'invalid_input', message: 'The request body is not valid JSON' } });
      }
      const pathVerdict = await checkPaths(payload, exportsDir(core.services.dataDir));
      if (!pathVerdict.ok) return sendRefusal(res, pathVerdict);
      const result = await core.router.call(name, payload, { signal: gone.signal });
      if (gone.signal.aborted) {
        log.info(`api ${name.slice(0, 80)}: ${result.ok ? 'finished' : result.error.code} after the client disconnected`);
        return void res.destroy();
      }
      return sendResult(res, result);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8', { Allow: 'GET, HEAD' });
    }
    const file = await resolveStaticFile(rendererDir, url.pathname);
    if (!file) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    const cache = url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store';
    return send(res, 200, req.method === 'HEAD' ? '' : file.body, file.contentType, { 'Cache-Control': cache });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('host request failed', error);
      if (!res.headersSent) sendResult(res, { ok: false, error: { code: 'internal_error', message: 'The request failed' } });
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      unsubscribe();
      for (const stream of eventStreams) stream.end();
      // Browsers keep idle keep-alive sockets open: close them too, or close() waits for them forever.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}
