import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  url: URL;
  status: number;
  contentType: string | null;
  body: string;
}

const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after', 'x-rate-limit', 'x-rate-limit-remaining', 'location'];

/**
 * Sits between the client and the simulator and keeps every exchange, so one run of the client
 * gives both halves of the conformance check: the requests it sent and the responses it got.
 */
export async function startRecordingProxy(target: string) {
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', target);
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'content-type', 'accept']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const upstream = await fetch(url, { method: req.method ?? 'GET', headers, body, redirect: 'manual' });
        const text = await upstream.text();
        exchanges.push({
          method: req.method ?? 'GET',
          url,
          status: upstream.status,
          contentType: upstream.headers.get('content-type'),
          body: text,
        });
        const out: Record<string, string> = {};
        for (const name of FORWARDED_RESPONSE_HEADERS) {
          const value = upstream.headers.get(name);
          if (value !== null) out[name] = value;
        }
        res.writeHead(upstream.status, out);
        res.end(text);
      })().catch((error: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${String(error)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
