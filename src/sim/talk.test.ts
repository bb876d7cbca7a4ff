import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset';
import { startSimulator, type Simulator } from './index';
import { callOf, setTalkEnabled, talkOf, troubleTalk } from './talk';
import { api, authHeader, type Json } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 1, noLimits: true });
});
afterAll(async () => sim.close());

const ds = () => sim.state.ds;
const calls = () =>
  Array.from({ length: ds().ticketCount }, (_, ti) => callOf(ds(), ti)).filter((c): c is NonNullable<typeof c> => c !== undefined);
const recordingStatus = async (url: string): Promise<number> => {
  const res = await fetch(url, { headers: authHeader(sim, 'admin') });
  await res.arrayBuffer();
  return res.status;
};

describe('Talk', () => {
  it('generates calls at every size from its own stream: voicemails with transcriptions that name the caller', () => {
    for (const size of ['tiny', 'small'] as const) {
      const d = new Dataset(1, size);
      const all = Array.from({ length: d.ticketCount }, (_, ti) => callOf(d, ti)).filter((c) => c !== undefined);
      expect(all.length, size).toBeGreaterThan(3);
      expect(all.some((c) => c.voicemail && c.transcribed)).toBe(true);
      // Some callers phone about a ticket they did not request.
      expect(all.some((c) => c.caller !== d.ticketHead(c.ticketId - 1).requester)).toBe(true);
      if (size === 'small') expect(all.some((c) => !c.recorded)).toBe(true);
    }
  });

  it('exports calls with their customer and ticket, and lists each call as a voice comment on its ticket', async () => {
    const admin = api(sim);
    const page = await admin.get('/api/v2/channels/voice/stats/incremental/calls.json?start_time=0');
    expect(page.status).toBe(200);
    expect(page.body.count).toBe(calls().length);
    expect(page.body.next_page).toMatch(/start_time=\d+/);
    const c = calls().find((x) => x.voicemail && x.transcribed)!;
    const exported = page.body.calls.find((x: Json) => x.id === c.id);
    expect(exported).toMatchObject({ customer_id: ds().userId(c.caller), ticket_id: c.ticketId, voicemail: true });
    const comments = await admin.get(`/api/v2/tickets/${c.ticketId}/comments.json`);
    const voice = comments.body.comments.find((x: Json) => x.type === 'VoiceComment');
    expect(voice.data).toMatchObject({ call_id: c.id, from: ds().phone(c.caller), recording_type: 'voicemail' });
    expect(voice.data.transcription_text).toContain(ds().displayName(c.caller).trim());
    expect(voice.data.transcription_text).toContain(ds().phone(c.caller));
    expect(await recordingStatus(voice.data.recording_url)).toBe(200);
    // The ticket's own comments come first and are unchanged: the comment count does not include the call.
    const count = await admin.get(`/api/v2/tickets/${c.ticketId}/comments/count.json`);
    expect(count.body.count.value).toBe(comments.body.comments.length - 1);
    expect((await admin.get('/api/v2/channels/voice/stats/incremental/calls.json')).status).toBe(400);
  });

  it('deletes every recording of a call (admins only); the voice comment stays and its recording answers 404', async () => {
    const c = calls().find((x) => x.recorded)!;
    const url = `/api/v2/channels/voice/calls/${c.id}/recordings.json`;
    expect((await api(sim, 'agent').del(url)).status).toBe(403);
    expect((await api(sim).del(url)).status).toBe(204);
    const comments = await api(sim).get(`/api/v2/tickets/${c.ticketId}/comments.json`);
    const voice = comments.body.comments.find((x: Json) => x.type === 'VoiceComment');
    expect(voice).toBeDefined();
    expect(await recordingStatus(voice.data.recording_url)).toBe(404);
    expect(talkOf(sim.state, [ds().userId(c.caller)])).not.toContain(`recording:${c.id}`);
    expect(talkOf(sim.state, [ds().userId(c.caller)])).toContain(`voice_comment:${c.commentId}`);
    expect((await api(sim).del('/api/v2/channels/voice/calls/999/recordings.json')).status).toBe(404);
  });

  it('answers scripted trouble, then recovers', async () => {
    troubleTalk(sim.state, 500, 1);
    expect((await api(sim).get('/api/v2/channels/voice/stats/incremental/calls.json?start_time=0')).status).toBe(500);
    troubleTalk(sim.state, 429, 1);
    const limited = await api(sim).get('/api/v2/channels/voice/stats/incremental/calls.json?start_time=0');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await api(sim).get('/api/v2/channels/voice/stats/incremental/calls.json?start_time=0')).status).toBe(200);
  });

  it('turned off, Talk answers 404 and no voice comment is listed', async () => {
    const c = calls()[0]!;
    setTalkEnabled(sim.state, false);
    try {
      expect((await api(sim).get('/api/v2/channels/voice/stats/incremental/calls.json?start_time=0')).status).toBe(404);
      expect((await api(sim).del(`/api/v2/channels/voice/calls/${c.id}/recordings.json`)).status).toBe(404);
      const comments = await api(sim).get(`/api/v2/tickets/${c.ticketId}/comments.json`);
      expect(comments.body.comments.some((x: Json) => x.type === 'VoiceComment')).toBe(false);
      expect(talkOf(sim.state, [ds().userId(c.caller)])).toEqual([]);
    } finally {
      setTalkEnabled(sim.state, true);
    }
  });
});
