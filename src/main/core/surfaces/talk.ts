import { z } from 'zod';
import { cursorPages } from '../helpdesk/pagination';
import type { ZendeskClient } from '../helpdesk';
import { checkEach, isNotFound, singleOpHandler, unlessGone } from '../journal/helpdesk-handlers';
import type { Json } from '../journal/types';
import { decideWithTicket } from './follow-ticket';
import { SurfaceIncomplete, type FoundItem, type SurfaceDefinition, type SurfaceOpPayload } from './types';

/**
 * Talk: the person's phone calls and voicemails. Zendesk shows each on its ticket as a voice comment
 * (`type: "VoiceComment"` in `GET /api/v2/tickets/{ticket_id}/comments`, with `data` {call_id, from,
 * to, recording_url, recording_type, transcription_text, call_duration, started_at, ...}: the Support
 * OAS's voice_comment fields), and Talk stores the recording. Neither the comments nor the calls can
 * be searched by person, so a look reads Talk's incremental calls export
 * (`GET /api/v2/channels/voice/stats/incremental/calls?start_time=`, `{calls, count, end_time,
 * next_page}`, 10 requests a minute like the Support exports: Talk API reference, "Incremental
 * Exports"), keeps the calls whose `customer_id` is one of the person's accounts (Talk matches the
 * calling number to a user), and reads the comments of those calls' tickets. A recording is
 * checked by reading its `recording_url` (404 once deleted). An account without Talk answers 404
 * to the export: "not searched: not_enabled", and the rest of the dossier is unaffected.
 *
 * Two items per call: `recording:<call id>` while the recording exists, and
 * `voice_comment:<comment id>` (the caller's number and the transcription). Removing them, per
 * Zendesk's Talk API reference ("Recordings", https://developer.zendesk.com/api-reference/voice/talk-api/recordings/):
 * `DELETE /api/v2/channels/voice/calls/{call_id}/recordings` (admins) deletes every recording of
 * the call; the voice comment stays on its ticket. Zendesk documents no API to remove a
 * transcription or the caller's number from a voice comment ("Complying with Privacy and Data
 * Protection Law in Zendesk Talk" sends the controller to the ticket's erasure), so the voice comment
 * follows its ticket: deleted with it, kept with it, or blocked with the fix. The recording is
 * deleted through Talk whatever happens to the ticket, unless the ticket is kept.
 */

const ExportedCall = z.looseObject({
  id: z.number().int().positive(),
  customer_id: z.number().int().nullable().optional(),
  ticket_id: z.number().int().positive().nullable().optional(),
});
const CallsPage = z.looseObject({
  calls: z.array(ExportedCall),
  count: z.number().int().nonnegative().optional(),
  end_time: z.number().int().nullable().optional(),
});

const VoiceData = z.looseObject({
  call_id: z.number().int().positive(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  recording_url: z.string().nullable().optional(),
  recording_type: z.string().nullable().optional(),
  transcription_text: z.string().nullable().optional(),
  call_duration: z.number().nullable().optional(),
  started_at: z.string().nullable().optional(),
  answered_by_name: z.string().nullable().optional(),
});
const AnyComment = z.looseObject({
  id: z.number().int().positive(),
  type: z.string().nullable().optional(),
  data: z.unknown().optional(),
  created_at: z.string().nullable().optional(),
});
type VoiceData = z.infer<typeof VoiceData>;

const EXPORT_PAGE = 1000;
/** At most this many export pages a look (three minutes of the 10-a-minute budget), then "incomplete". */
const MAX_EXPORT_PAGES = 30;
const RECORDING_TEMPLATE = '/api/v2/channels/voice/calls/{call_id}/twilio/recording';

/** The person's calls from Talk's incremental export, by ticket. */
async function callsOf(client: ZendeskClient, userIds: ReadonlySet<number>, signal?: AbortSignal): Promise<Map<number, Set<number>>> {
  const byTicket = new Map<number, Set<number>>();
  let start = 0;
  for (let page = 0; ; page++) {
    if (page >= MAX_EXPORT_PAGES)
      throw new SurfaceIncomplete(`Read ${page * EXPORT_PAGE} calls of Talk's export within the look's budget; more remain: look again`);
    const body = await client.transport.parse(
      {
        method: 'GET',
        template: '/api/v2/channels/voice/stats/incremental/calls',
        query: { start_time: start },
        // Not the Support export window the sync uses: Talk limits its own exports to 10 a minute
        // and answers 429 with Retry-After beyond that, which the transport honours.
        signal,
      },
      'calls',
      CallsPage,
    );
    for (const c of body.calls) {
      if (typeof c.customer_id !== 'number' || !userIds.has(c.customer_id) || typeof c.ticket_id !== 'number') continue;
      let set = byTicket.get(c.ticket_id);
      if (!set) byTicket.set(c.ticket_id, (set = new Set()));
      set.add(c.id);
    }
    // Talk always sends next_page; a page that is not full is the end for now.
    const end = body.end_time ?? null;
    if ((body.count ?? body.calls.length) < EXPORT_PAGE || end === null || end <= start) break;
    start = end;
  }
  return byTicket;
}

async function voiceCommentsOf(
  client: ZendeskClient,
  ticketId: number,
  signal?: AbortSignal,
): Promise<Array<{ id: number; createdAt: string | null; data: VoiceData; record: Record<string, Json> }>> {
  const out: Array<{ id: number; createdAt: string | null; data: VoiceData; record: Record<string, Json> }> = [];
  const pages = cursorPages(
    client.transport,
    {
      spec: { method: 'GET', template: '/api/v2/tickets/{ticket_id}/comments', params: { ticket_id: ticketId }, signal },
      key: 'comments',
      item: AnyComment,
    },
    100,
  );
  for await (const page of pages)
    for (const c of page.items) {
      if (c.type !== 'VoiceComment') continue;
      const data = VoiceData.safeParse(c.data);
      if (!data.success) continue;
      out.push({
        id: c.id,
        createdAt: c.created_at ?? null,
        data: data.data,
        record: JSON.parse(JSON.stringify(c)) as Record<string, Json>,
      });
    }
  return out;
}

/** Is the recording still served? Only a URL on the account's own host is read (the token goes nowhere else). */
async function recordingExists(client: ZendeskClient, url: string, signal?: AbortSignal): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url, client.transport.baseUrl);
  } catch {
    return true;
  }
  if (parsed.origin !== client.transport.origin) return true; // cannot be checked: never reported gone
  try {
    const response = await client.transport.request({ method: 'GET', template: RECORDING_TEMPLATE, url: parsed.href, signal });
    await response.body?.cancel();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

const isUrl = (s: string): boolean => /^https?:\/\//.test(s);
const callIdOf = (itemId: string): number | null => {
  const m = /^recording:(\d{1,15})$/.exec(itemId);
  return m ? Number(m[1]) : null;
};

function toItems(ticketId: number, own: boolean, v: Awaited<ReturnType<typeof voiceCommentsOf>>[number], recorded: boolean): FoundItem[] {
  const d = v.data;
  const voicemail = d.recording_type === 'voicemail';
  const kind = voicemail ? 'Voicemail' : 'Call';
  const from = d.from ?? null;
  const transcription = d.transcription_text ?? null;
  const where = own ? `ticket ${ticketId}, one of the person’s tickets` : `ticket ${ticketId}, a ticket the person is not otherwise on`;
  const others = d.answered_by_name ? [d.answered_by_name] : [];
  const items: FoundItem[] = [
    {
      surface: 'talk',
      id: `voice_comment:${v.id}`,
      ticketId,
      label: `${kind} from ${from ?? 'an unknown number'} — ticket ${ticketId}${d.call_duration ? `, ${d.call_duration} s` : ''}${transcription ? ', transcribed' : ''}`,
      at: d.started_at ?? v.createdAt,
      roles: ['caller'],
      why: `the caller of Talk call ${d.call_id} (Talk matched the calling number to the person’s account), on ${where}`,
      record: v.record,
      // What the person gave: their number, and their words when only they speak (a voicemail);
      // a call's transcription holds the agent's words too.
      provided: { calledFrom: from, startedAt: d.started_at ?? null, transcription: voicemail ? transcription : null },
      strings: [from, transcription].filter((s): s is string => typeof s === 'string' && s.length > 0),
      otherNames: others,
    },
  ];
  if (recorded && d.recording_url)
    items.push({
      surface: 'talk',
      id: `recording:${d.call_id}`,
      ticketId,
      label: `Recording of the ${voicemail ? 'voicemail' : 'call'} from ${from ?? 'an unknown number'} — ticket ${ticketId}`,
      at: d.started_at ?? v.createdAt,
      roles: ['caller'],
      why: `the recording of Talk call ${d.call_id}, in which the person is the caller`,
      record: { call_id: d.call_id, recording_type: d.recording_type ?? null, recording_url: d.recording_url },
      // A voicemail is the person's voice alone; a call recording holds the agent's voice too.
      provided: voicemail ? { recordingUrl: d.recording_url, recordingType: 'voicemail' } : null,
      // The URL is kept among the item's strings: the handler reads it back to check the deletion.
      strings: [d.recording_url],
      otherNames: others,
    });
  return items;
}

export const talkSurface: SurfaceDefinition = {
  id: 'talk',
  label: 'Talk (recordings, voicemails, transcriptions)',
  read: 'on_demand',
  async look({ client, subject, signal }) {
    const calls = await callsOf(client, new Set(subject.userIds), signal);
    const own = new Set(subject.ticketIds);
    const out: FoundItem[] = [];
    // Calls Talk lists as the person's whose voice comment was not found on their (live) ticket:
    // a comment Lethe could not read, or not there yet. Their recordings may still be served, so the
    // look says it is incomplete instead of passing them over.
    const unseen: number[] = [];
    for (const [ticketId, callIds] of [...calls].sort((a, b) => a[0] - b[0])) {
      let comments: Awaited<ReturnType<typeof voiceCommentsOf>>;
      try {
        comments = await voiceCommentsOf(client, ticketId, signal);
      } catch (error) {
        if (isNotFound(error)) continue; // the ticket is deleted: its voice comments went with it
        throw error;
      }
      const seen = new Set<number>();
      for (const v of comments) {
        if (!callIds.has(v.data.call_id)) continue;
        seen.add(v.data.call_id);
        const recorded = v.data.recording_url ? await recordingExists(client, v.data.recording_url, signal) : false;
        out.push(...toItems(ticketId, own.has(ticketId), v, recorded));
      }
      for (const id of callIds) if (!seen.has(id)) unseen.push(id);
    }
    if (unseen.length > 0)
      throw new SurfaceIncomplete(
        `Talk lists ${unseen.length} call(s) of the person whose voice comment Lethe could not read on its ticket (call ${unseen.slice(0, 5).join(', ')}): check them in Zendesk Talk, then look again`,
      );
    return out;
  },
  decide(item, ctx) {
    if (item.id.startsWith('recording:')) {
      if (item.ticketId !== null && ctx.ticketDecision(item.ticketId) === 'keep')
        return {
          decision: 'keep',
          reasonCode: 'ticket_kept',
          reason: 'Kept with its ticket',
          legalBasis: 'the ticket’s exemption (see the ticket’s decision)',
          fix: null,
        };
      return {
        decision: 'delete',
        reasonCode: 'talk_recording',
        reason: 'A recording of the person’s call: deleted through the Talk API (every recording of the call)',
        legalBasis: null,
        fix: null,
      };
    }
    return decideWithTicket(item, ctx, {
      what: 'a voice comment (the caller’s number and the transcription)',
      reasonCode: 'voice_comment_not_erasable',
      reason: () =>
        'Zendesk has no API to remove a transcription or the caller’s number from a voice comment (the recording is deleted on its own), and its ticket is not being deleted',
      fix: (ticketId) =>
        `Delete ticket ${ticketId ?? ''} (the voice comment goes with it), or ask Zendesk support to remove the transcription`,
    });
  },
  // Only recordings have an operation of their own; a voice comment goes with its ticket and is read back by verification.
  opFor: (item) => item.id.startsWith('recording:'),
  handler(client) {
    const gone = async (p: SurfaceOpPayload, signal?: AbortSignal): Promise<boolean> => {
      const url = p.strings.find(isUrl);
      return url === undefined ? false : !(await recordingExists(client, url, signal));
    };
    return singleOpHandler({
      concurrency: 2,
      async send(op, signal) {
        const p = op.payload as unknown as SurfaceOpPayload;
        const callId = callIdOf(p.itemId);
        if (callId === null) return { opId: op.id, outcome: 'failed', code: 'invalid_item', message: 'not a Talk recording' };
        await unlessGone(() =>
          client.transport.json({
            method: 'DELETE',
            template: '/api/v2/channels/voice/calls/{call_id}/recordings',
            params: { call_id: callId },
            signal,
          }),
        );
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) =>
        (await gone(op.payload as unknown as SurfaceOpPayload, signal)) ? { opId: op.id, state: 'done' } : { opId: op.id, state: 'absent' },
      ),
    });
  },
  async stillThere(client, op, signal) {
    if (op.itemId.startsWith('recording:')) {
      const url = op.strings.find(isUrl);
      return url === undefined ? true : recordingExists(client, url, signal);
    }
    // A voice comment: still listed on its ticket? (A deleted ticket answers 404.)
    if (op.ticketId === null) return true;
    const id = Number(op.itemId.replace(/^voice_comment:/, ''));
    try {
      return (await voiceCommentsOf(client, op.ticketId, signal)).some((v) => v.id === id);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  },
};
