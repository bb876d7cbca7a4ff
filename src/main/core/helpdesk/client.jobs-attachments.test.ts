import { afterEach, describe, expect, it } from 'vitest';
import { ZendeskClient } from './client';
import { VirtualClock } from './clock';
import { json, startScriptedServer, type Script } from './testing/scripted-server';

const EMAIL = 'admin@lethe.test';
const TOKEN = 'tok_jobs_and_files_123456';
const AUTH = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;

type Server = Awaited<ReturnType<typeof startScriptedServer>>;
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(script: Script, clock?: VirtualClock): Promise<Server> {
  const s = await startScriptedServer(script, clock ? () => clock.now() : undefined);
  servers.push(s);
  return s;
}

const job = (status: string, results: unknown = null) => ({
  job_status: { id: 'abc123', url: 'x', status, job_type: 'BulkDeleteTickets', total: 3, progress: 1, message: null, results },
});

describe('job polling', () => {
  it('polls with back-off until completed and surfaces per-item failures of a completed job', async () => {
    const clock = new VirtualClock();
    let polls = 0;
    const s = await server((req, res) => {
      if (req.method === 'DELETE') return json(res, 200, job('queued'));
      polls++;
      if (polls < 3) return json(res, 200, job('working'));
      json(
        res,
        200,
        job('completed', [
          { id: 1, action: 'delete', status: 'Deleted', success: true },
          { id: 2, action: 'delete', success: false, error: 'TicketNotFound', details: 'Ticket not found' },
          { id: 3, action: 'delete', status: 'Deleted', success: true },
        ]),
      );
    }, clock);
    const client = new ZendeskClient({ baseUrl: s.url, email: EMAIL, token: TOKEN }, { clock });
    const started = await client.destroyManyTickets([1, 2, 3]);
    expect(started.status).toBe('queued');
    expect(s.requests[0]!.url.searchParams.get('ids')).toBe('1,2,3');
    const progress: string[] = [];
    const outcome = await client.waitForJob(started, { intervalMs: 500, onProgress: (j) => progress.push(j.status) });
    expect(outcome.status).toBe('completed');
    expect(outcome.ok).toBe(false);
    expect(outcome.failed).toEqual([expect.objectContaining({ id: 2, error: 'TicketNotFound' })]);
    expect(outcome.succeeded.map((r) => r.id)).toEqual([1, 3]);
    expect(progress).toEqual(['queued', 'working', 'working', 'completed']);
    // Back-off between polls: 500, 1000, 2000 ms.
    const pollTimes = s.requests.slice(1).map((r) => r.at);
    expect(pollTimes[1]! - pollTimes[0]!).toBeGreaterThanOrEqual(1_000);
    expect(pollTimes[2]! - pollTimes[1]!).toBeGreaterThanOrEqual(2_000);
  });

  it('returns failed and killed jobs as not ok, and a clean completed job as ok', async () => {
    const clock = new VirtualClock();
    const statuses = ['failed', 'killed', 'completed'];
    const s = await server((_req, res, index) =>
      json(res, 200, job(statuses[index]!, index === 2 ? [{ id: 9, success: true, status: 'Deleted' }] : null)),
    );
    const client = new ZendeskClient({ baseUrl: s.url, email: EMAIL, token: TOKEN }, { clock });
    expect(await client.waitForJob('a')).toMatchObject({ status: 'failed', ok: false });
    expect(await client.waitForJob('b')).toMatchObject({ status: 'killed', ok: false });
    expect(await client.waitForJob('c')).toMatchObject({ status: 'completed', ok: true, failed: [] });
  });

  it('gives up polling after its timeout with helpdesk_error', async () => {
    const clock = new VirtualClock();
    const s = await server((_req, res) => json(res, 200, job('working')));
    const client = new ZendeskClient({ baseUrl: s.url, email: EMAIL, token: TOKEN }, { clock });
    await expect(client.waitForJob('slow', { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'helpdesk_error' });
  });
});

describe('attachment download', () => {
  it('streams the bytes and never sends the credentials to another host on redirect', async () => {
    const storage = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': '5' });
      res.end('bytes');
    });
    const helpdesk = await server((req, res) => {
      if (req.url.pathname === '/attachments/token/1') {
        res.writeHead(302, { Location: `${storage.url}/blob/1?signature=x` });
        return res.end();
      }
      if (req.url.pathname === '/attachments/token/2') {
        res.writeHead(302, { Location: '/attachments/token/2b' });
        return res.end();
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('same-origin');
    });
    const client = new ZendeskClient({ baseUrl: helpdesk.url, email: EMAIL, token: TOKEN });
    const text = async (download: { stream: AsyncIterable<Buffer> }) => {
      const parts: Buffer[] = [];
      for await (const chunk of download.stream) parts.push(Buffer.from(chunk));
      return Buffer.concat(parts).toString('utf8');
    };
    const foreign = await client.downloadAttachment(`${helpdesk.url}/attachments/token/1?name=a.png`);
    expect(foreign).toMatchObject({ contentType: 'image/png', size: 5 });
    expect(await text(foreign)).toBe('bytes');
    expect(helpdesk.requests[0]!.headers.authorization).toBe(AUTH);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();

    const local = await client.downloadAttachment(`${helpdesk.url}/attachments/token/2`);
    expect(await text(local)).toBe('same-origin');
    expect(helpdesk.requests.slice(1).map((r) => [r.url.pathname, r.headers.authorization])).toEqual([
      ['/attachments/token/2', AUTH],
      ['/attachments/token/2b', AUTH],
    ]);

    // A content_url on a foreign host gets no credentials from the first hop either.
    await text(await client.downloadAttachment(`${storage.url}/blob/2`));
    expect(storage.requests[1]!.headers.authorization).toBeUndefined();
  });

  it('an abort while the body streams stops the stream', async () => {
    const slow = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.write('first chunk');
      // never ends
    });
    const client = new ZendeskClient({ baseUrl: slow.url, email: EMAIL, token: TOKEN });
    const controller = new AbortController();
    const download = await client.downloadAttachment(`${slow.url}/attachments/token/9`, { signal: controller.signal });
    const reading = (async () => {
      for await (const chunk of download.stream) {
        expect(Buffer.from(chunk as Buffer).toString()).toBe('first chunk');
        controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow();
  });
});
