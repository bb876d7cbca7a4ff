import { afterEach, expect, it } from 'vitest';
import { startScriptedHelpdesk, type ScriptedHelpdesk } from '../../../../test/support/scripted-helpdesk';
import type { ZendeskClient } from '../helpdesk';
import { SurfaceIncomplete } from './types';
import { talkSurface } from './talk';

let helpdeskServer: ScriptedHelpdesk | undefined;
afterEach(async () => {
  await helpdeskServer?.close();
  helpdeskServer = undefined;
});

/** A helpdesk that lists one call of user 7 on ticket 5, whose voice comment is the given one. */
async function helpdesk(voiceData: unknown): Promise<ZendeskClient> {
  helpdeskServer = await startScriptedHelpdesk((path) => {
    if (path === '/api/v2/channels/voice/stats/incremental/calls')
      return { calls: [{ id: 99, customer_id: 7, ticket_id: 5 }], count: 1, end_time: 1, next_page: null };
    if (path === '/api/v2/tickets/5/comments')
      return {
        comments: [{ id: 1, type: 'VoiceComment', data: voiceData, created_at: null }],
        meta: { has_more: false },
        links: { next: null },
      };
    return undefined;
  });
  return helpdeskServer.client;
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
