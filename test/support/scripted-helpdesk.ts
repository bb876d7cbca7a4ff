import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateLimitScheduler, ZendeskClient } from '../../src/main/core/helpdesk';

/**
 * A local HTTP helpdesk whose every answer the test writes: `answer` gets the request's path and
 * URL and returns the JSON body (200), or undefined for Zendesk's 404 `RecordNotFound`. For the
 * shapes the simulator does not produce (a record gone between two reads, a listing longer than a
 * look may read); the client talks real HTTP to it, with one attempt per request.
 */
export interface ScriptedHelpdesk {
  client: ZendeskClient;
  origin: string;
  /** Every path asked for, in order ("METHOD /path"). */
  requested: string[];
  close(): Promise<void>;
}

export async function startScriptedHelpdesk(answer: (path: string, url: URL, method: string) => unknown): Promise<ScriptedHelpdesk> {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://helpdesk.test');
    const method = req.method ?? 'GET';
    requested.push(`${method} ${url.pathname}`);
    const body = answer(url.pathname, url, method);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'RecordNotFound', description: 'Not found' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new ZendeskClient(
    { baseUrl: origin, email: 'a@b.c', token: 't' },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }), maxAttempts: 1 },
  );
  return {
    client,
    origin,
    requested,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
