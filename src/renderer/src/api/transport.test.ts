import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpTransport } from './transport';

/** A real event stream over HTTP: the first connection sends one event and closes, the next stays open. */
function eventServer(): Promise<{ server: Server; baseUrl: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/api/events') return void res.writeHead(404).end();
    connections += 1;
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(`data: ${JSON.stringify({ name: 'workspaces.changed', payload: { activeId: `w${connections}` } })}\n\n`);
    if (connections === 1) res.end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections }),
    ),
  );
}

describe('httpTransport events', () => {
  let stop: (() => void) | undefined;
  let server: Server | undefined;
  afterEach(() => {
    stop?.();
    server?.closeAllConnections();
    server?.close();
  });

  it('reports every (re)connection, so changes sent while the stream was down are refreshed', async () => {
    const started = await eventServer();
    server = started.server;
    const seen: string[] = [];
    let connected = 0;
    stop = httpTransport('t', started.baseUrl).subscribe(
      (name, payload) => seen.push(`${name}:${(payload as { activeId: string }).activeId}`),
      () => (connected += 1),
    );
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['workspaces.changed:w1', 'workspaces.changed:w2']);
    expect(connected).toBe(2);
    expect(started.connections()).toBe(2);
  });
});
