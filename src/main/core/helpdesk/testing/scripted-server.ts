import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: URL;
  /** Time on the clock the test passed in (virtual or real). */
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Script = (request: RecordedRequest, res: ServerResponse, index: number) => unknown;

/**
 * A throwaway HTTP server for tests that need exact misbehaviour the simulator cannot give on cue
 * (429 storms, a 500 on one page, a socket dropped mid-body). Test-only: never imported by code.
 */
export async function startScriptedServer(script: Script, now: () => number = Date.now) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        at: now(),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(script(recorded, res, requests.length - 1)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export function ticket(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    subject: `Ticket ${id}`,
    status: 'open',
    requester_id: 1000 + id,
    submitter_id: 1000 + id,
    assignee_id: null,
    collaborator_ids: [],
    email_cc_ids: [],
    follower_ids: [],
    tags: ['a'],
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-02T00:00:00Z',
    ...overrides,
  };
}
