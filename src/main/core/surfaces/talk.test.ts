import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { RateLimitScheduler, ZendeskClient } from '../helpdesk';
import { SurfaceIncomplete } from './types';
import { talkSurface } from './talk';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A helpdesk that lists one call of user 7 on ticket 5, whose voice comment is the given one. */
async function helpdesk(voiceData: unknown): Promise<ZendeskClient> {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/api/v2/channels/voice/stats/incremental/calls')
      return send({ calls: [{ id: 99, customer_id: 7, ticket_id: 5 }], count: 1, end_time: 1, next_page: null });
    if (path === '/api/v2/tickets/5/comments')
      return send({
        comments: [{ id: 1, type: 'VoiceComment', data: voiceData, created_at: null }],
        meta: { has_more: false },
        links: { next: null },
      });
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"RecordNotFound"}');
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return new ZendeskClient(
    { baseUrl: `http://127.0.0.1:${port}`, email: 'a@b.c', token: 't' },
    { scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }), maxAttempts: 1 },
  );
}

const subject = { userIds: [7], emails: [], phones: [], names: [], ticketIds: [5], otherTicketIds: [] } as never;

it('a call Talk lists as the person’s whose voice comment cannot be read makes the look incomplete, never a clean empty answer', async () => {
  const client = await helpdesk({ call_id: 'not a number', from: '+1 555 0100' });
  await expect(talkSurface.look!({ client, subject })).rejects.toBeInstanceOf(SurfaceIncomplete);
  await expect(talkSurface.look!({ client, subject })).rejects.toThrow(/call 99/);
});

it('the same call with a readable voice comment is found', async () => {
  const client = await helpdesk({ call_id: 99, from: '+1 555 0100', recording_url: null });
  const items = await talkSurface.look!({ client, subject });
  expect(items.map((i) => i.id)).toEqual(['voice_comment:1']);
});
