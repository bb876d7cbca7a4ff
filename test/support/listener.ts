import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listener {
  url: string;
  /** Every request that reached this address, in order. */
  received: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  /** True when some request carried `token` in a Basic or Bearer Authorization header. */
  sawToken(token: string): boolean;
  close(): Promise<void>;
}

/**
 * A plain HTTP listener on 127.0.0.1 that records what reaches it and answers 401: the
 * "server of the caller's choosing" of the token-redirection tests.
 */
export async function startListener(): Promise<Listener> {
  const received: Listener['received'] = [];
  const server: Server = createServer((req, res) => {
    received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end('{"error":"Couldn\'t authenticate you"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    sawToken(token) {
      return received.some(({ headers }) => {
        const auth = headers.authorization ?? '';
        const basic = /^Basic (.+)$/i.exec(auth);
        if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').split('/token:')[1] === token;
        return auth === `Bearer ${token}`;
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
