import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test-only HTTP proxy in front of the simulator that injects what the simulator cannot do
 * quickly: 429 storms with `Retry-After: 0` (the simulator's own limit holds a minute), and "lost
 * answers": a destructive request is forwarded, takes effect, and the client still gets a 500.
 */
export interface FaultProxy {
  url: string;
  /** The simulator behind it; set once it has started. */
  target: string;
  /** once500: a request (method and path) gets at most one injected 500, so a client's retry always gets through. */
  /** failPath: every request whose path matches gets a 500 before the helpdesk sees it (a place that stays down). */
  faults: { rate429: number; lostAnswer: number; rate500?: number; once500?: boolean; failPath?: RegExp };
  stats: { forwarded: number; injected429: number; injected500: number; lostAnswers: number };
  close(): Promise<void>;
}

export async function startFaultProxy(faults: FaultProxy['faults'], random: () => number = Math.random): Promise<FaultProxy> {
  const proxy: FaultProxy = {
    url: '',
    target: '',
    faults,
    stats: { forwarded: 0, injected429: 0, injected500: 0, lostAnswers: 0 },
    close: async () => undefined,
  };
  const injected = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (random() < proxy.faults.rate429) {
      proxy.stats.injected429++;
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '0' });
      res.end(JSON.stringify({ error: 'APIRateLimitExceeded', description: 'Injected by the fault proxy' }));
      return;
    }
    const key = `${req.method ?? 'GET'} ${req.url ?? '/'}`;
    if (proxy.faults.failPath?.test((req.url ?? '/').split('?')[0]!)) {
      proxy.stats.injected500++;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalServerError', description: 'Injected by the fault proxy (failPath)' }));
      return;
    }
    if (random() < (proxy.faults.rate500 ?? 0) && !(proxy.faults.once500 && injected.has(key))) {
      // Before the helpdesk sees it: nothing happened.
      injected.add(key);
      proxy.stats.injected500++;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalServerError', description: 'Injected by the fault proxy' }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const upstream = await fetch(`${proxy.target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    proxy.stats.forwarded++;
    const destructive = req.method === 'PUT' || req.method === 'DELETE';
    if (destructive && upstream.ok && random() < proxy.faults.lostAnswer) {
      proxy.stats.lostAnswers++;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalServerError', description: 'Answer lost by the fault proxy' }));
      return;
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'content-encoding') out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
