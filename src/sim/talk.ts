import { isoSeconds, type Dataset } from './dataset';
import { HttpError, idParam, notFound, type Ctx, type Router } from './http';
import { Reply } from './jobs';
import { hash } from './rng';
import type { SimState } from './state';
import { SIM_STREAM } from './streams';

/**
 * Talk (Zendesk's telephony product): calls and voicemails, each shown on its ticket as a voice
 * comment (`type: "VoiceComment"`, `data` {from, to, recording_url, recording_type, call_id,
 * call_duration, answered_by_id, transcription_text, started_at, location}, as the Support OAS's
 * "Create Ticket or Voicemail Ticket" voice_comment lists them) with the recording stored by Talk.
 * Generated lazily per ticket from its own hash stream: about one ticket in three has a call, from
 * its requester or (one in three) from another end user phoning about it, so a person can be on a
 * call of a ticket they are not otherwise on. Voicemails always have a recording and a
 * transcription that names the caller and their number; recorded calls some of the time.
 *
 * Paths, from Zendesk's Talk API reference (not in the Support OAS):
 * - `GET /api/v2/channels/voice/stats/incremental/calls?start_time=` (Talk "Incremental Exports":
 *   `{calls, next_page, count, end_time}`, next_page always set, 10 requests a minute),
 *   https://developer.zendesk.com/api-reference/voice/talk-api/incremental_exports/
 * - `DELETE /api/v2/channels/voice/calls/{call_id}/recordings` (Talk "Recordings": admins only;
 *   deletes every recording of the call; the voice comment stays on its ticket),
 *   https://developer.zendesk.com/api-reference/voice/talk-api/recordings/
 * - the voice comment's `recording_url`, `/api/v2/channels/voice/calls/{call_id}/twilio/recording`
 *   on the account's host (the shape Zendesk's "Using the Delete Recording endpoint" tutorial
 *   shows); it answers 404 once the recording is deleted ("Recording not available").
 * Zendesk documents no API to remove a transcription or the caller's number from a voice comment:
 * they go with the ticket.
 *
 * Why the voice comments are in the per-ticket comment listing but not in the ticket events
 * export: Zendesk lists them among a ticket's comments, so Lethe's Talk look reads them there; the
 * sync's comment counts, the mention index and every test and benchmark built on the export stay
 * as they were (the core's other readers of the listing skip `VoiceComment`, which is the Talk
 * surface's). A per-state switch turns Talk off: its endpoints answer 404 and no voice comment is
 * listed, as on an account without Talk.
 */

const STREAM = SIM_STREAM.talk;
const CALL_BASE = 840_000_000_000;
const VOICE_COMMENT_BASE = 850_000_000_000;
const TALK_LINE = '+15550100200';
const PAGE = 1000;

export interface Call {
  id: number;
  commentId: number;
  ticketId: number;
  /** Dataset index of the caller (an end user with a phone). */
  caller: number;
  voicemail: boolean;
  recorded: boolean;
  transcribed: boolean;
  duration: number;
  startedMs: number;
  agent: number;
}

export const callId = (ti: number): number => CALL_BASE + ti;

const canCall = (ds: Dataset, i: number): boolean => !ds.isAgentIndex(i) && ds.phone(i) !== null;

/**
 * The requester, or (one call in three) someone else phoning about the ticket: most often the
 * requester of another ticket (a colleague), so people who call about their own tickets also turn
 * up on calls of tickets they are not otherwise on.
 */
function pickCaller(ds: Dataset, ti: number): number | undefined {
  const requester = ds.ticketHead(ti).requester;
  const someoneElse = hash(ds.seed, STREAM, ti, 2) % 3 === 0;
  if (!someoneElse && canCall(ds, requester)) return requester;
  for (let tries = 0; tries < 8; tries++) {
    const other = ds.ticketHead(hash(ds.seed, STREAM, ti, 10 + tries) % ds.ticketCount).requester;
    if (other !== requester && canCall(ds, other)) return other;
    const i = hash(ds.seed, STREAM, ti, 20 + tries) % ds.userCount;
    if (i !== requester && canCall(ds, i)) return i;
  }
  return undefined;
}

function firstAgent(ds: Dataset): number {
  for (let i = 2; i < ds.userCount; i++) if (ds.isAgentIndex(i)) return i;
  return 1;
}

/** The call on ticket ti, if it has one (at most one a ticket). */
export function callOf(ds: Dataset, ti: number): Call | undefined {
  if (hash(ds.seed, STREAM, ti, 1) % 3 !== 0) return undefined;
  const caller = pickCaller(ds, ti);
  if (caller === undefined) return undefined;
  const voicemail = hash(ds.seed, STREAM, ti, 3) % 3 === 0;
  const recorded = voicemail || hash(ds.seed, STREAM, ti, 4) % 4 !== 0;
  return {
    id: callId(ti),
    commentId: VOICE_COMMENT_BASE + ti,
    ticketId: ds.ticketId(ti),
    caller,
    voicemail,
    recorded,
    transcribed: recorded && (voicemail || hash(ds.seed, STREAM, ti, 5) % 2 === 0),
    duration: 20 + (hash(ds.seed, STREAM, ti, 6) % 600),
    startedMs: ds.epochMs - (3 + (hash(ds.seed, STREAM, ti, 7) % 400)) * 3_600_000,
    agent: firstAgent(ds),
  };
}

// --- per-state: switch, deleted recordings, scripted trouble -----------------------------------

const disabledStates = new WeakSet<SimState>();
/** Turns Talk off (or on again) for this simulator: its endpoints answer 404, no voice comment is listed. */
export function setTalkEnabled(state: SimState, enabled: boolean): void {
  if (enabled) disabledStates.delete(state);
  else disabledStates.add(state);
}
export const talkEnabled = (state: SimState): boolean => !disabledStates.has(state);

const deletedByState = new WeakMap<SimState, Set<number>>();
export const deletedRecordings = (state: SimState): Set<number> => {
  let set = deletedByState.get(state);
  if (!set) deletedByState.set(state, (set = new Set()));
  return set;
};

/** Scripted trouble for the calls export (as for suspended tickets): the next `times` answer `status`. */
const troubleByState = new WeakMap<SimState, { status: number; times: number }>();
export function troubleTalk(state: SimState, status: 429 | 500 | 503, times: number): void {
  troubleByState.set(state, { status, times });
}
function trouble(ctx: Ctx): void {
  const t = troubleByState.get(ctx.state);
  if (!t || t.times <= 0) return;
  t.times--;
  if (t.status === 429) throw new HttpError(429, { error: 'TooManyRequests' }, { 'Retry-After': '1' });
  throw new HttpError(t.status, { error: 'InternalServerError' });
}

function requireTalk(ctx: Ctx): void {
  if (!talkEnabled(ctx.state)) throw new HttpError(404, { error: 'InvalidEndpoint', description: 'Not found' });
}

// --- JSON ---------------------------------------------------------------------------------------

const recordingPath = (id: number): string => `/api/v2/channels/voice/calls/${id}/twilio/recording`;

export function transcriptionOf(ds: Dataset, c: Call): string {
  const name = ds.displayName(c.caller).trim();
  const phone = ds.phone(c.caller) ?? '';
  return c.voicemail
    ? `Hi, this is ${name}. I am calling about ticket ${c.ticketId}, please call me back on ${phone}. Thanks.`
    : `Agent: Thank you for calling. Caller: Hello, it is ${name}, my number is ${phone}, I am calling about my ticket ${c.ticketId}.`;
}

/** The voice comment as Zendesk lists it among the ticket's comments. */
export function voiceCommentJson(ds: Dataset, c: Call, base: string): Record<string, unknown> {
  const from = ds.phone(c.caller) ?? '';
  const started = isoSeconds(c.startedMs);
  const agentName = ds.displayName(c.agent).trim();
  const kind = c.voicemail ? 'Voicemail' : 'Inbound call';
  const body = `${kind} from: ${from}\nCall to: ${TALK_LINE}\nTime of call: ${started}\n${c.voicemail ? '' : `Answered by: ${agentName}\n`}Length of phone call: ${c.duration} seconds`;
  return {
    id: c.commentId,
    type: 'VoiceComment',
    author_id: ds.userId(c.caller),
    body,
    html_body: `<p>${body.replace(/\n/g, '<br>')}</p>`,
    plain_body: body,
    public: false,
    attachments: [],
    audit_id: c.commentId,
    via: { channel: 'voice', source: { rel: c.voicemail ? 'voicemail' : 'inbound', from: { phone: from }, to: { phone: TALK_LINE } } },
    metadata: { system: {}, custom: {} },
    created_at: isoSeconds(c.startedMs + c.duration * 1000),
    data: {
      call_id: c.id,
      from,
      to: TALK_LINE,
      recording_url: c.recorded ? `${base}${recordingPath(c.id)}` : null,
      recording_type: c.voicemail ? 'voicemail' : 'call',
      started_at: started,
      call_duration: c.duration,
      answered_by_id: c.voicemail ? null : ds.userId(c.agent),
      answered_by_name: c.voicemail ? null : agentName,
      transcription_text: c.transcribed ? transcriptionOf(ds, c) : null,
      transcription_status: c.transcribed ? 'completed' : null,
      location: 'Springfield, US',
      via_id: c.voicemail ? 44 : 45,
    },
    formatted_from: from,
    formatted_to: TALK_LINE,
    transcription_visible: c.transcribed,
  };
}

/** A call as the Talk incremental calls export lists it (statistics: no recording, no transcription). */
function callJson(ds: Dataset, c: Call): Record<string, unknown> {
  const ended = isoSeconds(c.startedMs + c.duration * 1000);
  return {
    id: c.id,
    agent_id: c.voicemail ? null : ds.userId(c.agent),
    customer_id: ds.userId(c.caller),
    ticket_id: c.ticketId,
    direction: 'inbound',
    voicemail: c.voicemail,
    duration: c.duration,
    talk_time: c.voicemail ? 0 : c.duration,
    recording_time: c.recorded ? c.duration : 0,
    completion_status: c.voicemail ? 'voicemail' : 'completed',
    created_at: isoSeconds(c.startedMs),
    updated_at: ended,
  };
}

// --- routes -------------------------------------------------------------------------------------

/** Every call of the dataset, in updated_at order (ticket order when equal), lazily generated. */
function allCalls(ds: Dataset): Call[] {
  const out: Call[] = [];
  for (let ti = 0; ti < ds.ticketCount; ti++) {
    const c = callOf(ds, ti);
    if (c) out.push(c);
  }
  return out.sort((a, b) => a.startedMs + a.duration * 1000 - (b.startedMs + b.duration * 1000) || a.id - b.id);
}

const cacheByDs = new WeakMap<Dataset, Call[]>();
function callsSorted(ds: Dataset): Call[] {
  let calls = cacheByDs.get(ds);
  if (!calls) cacheByDs.set(ds, (calls = allCalls(ds)));
  return calls;
}

/** The voice comments to list on a live ticket (none when Talk is off). */
export function voiceCommentsOn(state: SimState, ticketId: number, base: string): Record<string, unknown>[] {
  if (!talkEnabled(state)) return [];
  const ti = state.ds.ticketIndex(ticketId);
  const c = ti === undefined ? undefined : callOf(state.ds, ti);
  return c ? [voiceCommentJson(state.ds, c, base)] : [];
}

function callParam(ctx: Ctx): Call {
  const id = idParam(ctx, 'call_id');
  const ti = id - CALL_BASE;
  const c = ti >= 0 && ti < ctx.state.ds.ticketCount ? callOf(ctx.state.ds, ti) : undefined;
  if (!c) throw notFound();
  return c;
}

/** A few bytes standing in for the audio (the simulator keeps no real recordings). */
const audioOf = (c: Call): Buffer => Buffer.from(`ID3 simulated ${c.voicemail ? 'voicemail' : 'call'} recording ${c.id}`);

export function registerTalkRoutes(r: Router): void {
  r.add('GET', '/api/v2/channels/voice/stats/incremental/calls', (ctx) => {
    requireTalk(ctx);
    trouble(ctx);
    const raw = ctx.query.get('start_time');
    if (raw === null || !/^\d{1,12}$/.test(raw))
      throw new HttpError(400, { error: 'InvalidValue', description: 'start_time is required (Unix epoch seconds)' });
    const startMs = Number(raw) * 1000;
    const ds = ctx.state.ds;
    const page = callsSorted(ds)
      .filter((c) => c.startedMs + c.duration * 1000 >= startMs)
      .slice(0, PAGE);
    const last = page.at(-1);
    // Talk's export always sends next_page (the URL to poll next); `count` tells whether more wait now.
    const endTime = last ? Math.floor((last.startedMs + last.duration * 1000) / 1000) + (page.length < PAGE ? 1 : 0) : Number(raw);
    return {
      calls: page.map((c) => callJson(ds, c)),
      next_page: `${ctx.base}/api/v2/channels/voice/stats/incremental/calls.json?start_time=${endTime}`,
      count: page.length,
      end_time: endTime,
    };
  });
  r.add(
    'DELETE',
    '/api/v2/channels/voice/calls/:call_id/recordings',
    (ctx) => {
      requireTalk(ctx);
      const c = callParam(ctx);
      if (!c.recorded) throw notFound();
      deletedRecordings(ctx.state).add(c.id);
      return new Reply(204, undefined);
    },
    { adminOnly: true },
  );
  r.add('GET', '/api/v2/channels/voice/calls/:call_id/twilio/recording', (ctx) => {
    requireTalk(ctx);
    const c = callParam(ctx);
    if (!c.recorded || deletedRecordings(ctx.state).has(c.id)) throw notFound();
    return new Reply(200, audioOf(c), { 'Content-Type': 'audio/mpeg' });
  });
}

/**
 * Ground truth: the person's Talk items a look can see: for each call whose customer is one of
 * their accounts, on a live ticket, the voice comment (`voice_comment:<comment id>`) and, while
 * it exists, its recording (`recording:<call id>`).
 */
export function talkOf(state: SimState, userIds: readonly number[]): string[] {
  if (!talkEnabled(state)) return [];
  const own = new Set(userIds);
  const out: string[] = [];
  for (const c of callsSorted(state.ds)) {
    if (!own.has(state.ds.userId(c.caller)) || state.ticketView(c.ticketId)?.state !== 'live') continue;
    out.push(`voice_comment:${c.commentId}`);
    if (c.recorded && !deletedRecordings(state).has(c.id)) out.push(`recording:${c.id}`);
  }
  return out.sort();
}
