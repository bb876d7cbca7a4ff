import { readFile } from 'node:fs/promises';
import { readZip } from '../../src/main/core/archive/testing/zip-files';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/shared/contract/groups/erasure';
import { callOf, setTalkEnabled, talkOf, troubleTalk } from '../../src/sim';
import { groundTruth } from '../../src/sim/truth';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { createSubjectsHarness, type SubjectsHarness } from '../support/subjects-harness';

/**
 * Talk (calls, voicemails, recordings, transcriptions) over real HTTP to the simulator and a real
 * encrypted cache: the dossier lists exactly the ground truth's items; an account without Talk says
 * "not searched: not_enabled" and the rest is searched; a failing export is retried and reported,
 * never counted as empty; bad input is refused; an erasure leaves, through the API, only the
 * recordings and voice comments the plan kept or blocked, and the receipt counts them.
 */

const SHEET = {
  purposes: 'Answering support requests.',
  categories: 'Contact details, tickets, comments, calls.',
  recipients: 'Our helpdesk provider (processor).',
  retention: 'Three years after the last ticket.',
  rights: 'Rectification, erasure, restriction, objection, portability.',
  complaint: 'You may complain to your supervisory authority.',
  source: 'You, and our agents.',
  automatedDecisions: 'None.',
};

describe('Talk in the dossier', () => {
  let h: SubjectsHarness;
  let workspaceId: string;
  beforeAll(async () => {
    h = await createSubjectsHarness();
    workspaceId = h.sync.workspaceId;
  }, 120_000);
  afterAll(async () => h?.dispose());

  const state = () => h.sync.sim.state;
  const ds = () => h.sync.sim.dataset;

  it('lists exactly the ground truth’s recordings and voice comments for every tiny-dataset subject', async () => {
    let withCalls = 0;
    let withRecording = 0;
    let onOthersTicket = 0;
    for (let i = 0; i < ds().userCount; i++) {
      const ref = `subj_${ds().userId(i)}`;
      const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['talk'] });
      const d = await h.call('subjects.show', { workspaceId, ref });
      const expected = talkOf(
        state(),
        d.accounts.map((a) => a.userId),
      );
      const section = d.surfaces.find((s) => s.surface === 'talk');
      expect((section?.items ?? []).map((x) => x.id).sort(), `Talk items of ${ref}`).toEqual(expected);
      const row = looked.coverage.find((c) => c.surface === 'talk')!;
      expect(row).toMatchObject({ searched: true, reason: null, read: 'on_demand', items: expected.length });
      for (const item of section?.items ?? []) {
        expect(item.roles).toEqual(['caller']);
        expect(item.ticketId).not.toBeNull();
        if (/not otherwise on/.test(item.why)) onOthersTicket++;
      }
      if (expected.length > 0) withCalls++;
      if (expected.some((id) => id.startsWith('recording:'))) withRecording++;
    }
    // The dataset must exercise the surface, or the comparison above proves nothing.
    expect(withCalls).toBeGreaterThan(1);
    expect(withRecording).toBeGreaterThan(0);
    expect(onOthersTicket).toBeGreaterThan(0);
  }, 180_000);

  it('the access archive holds each call with its transcription and recording address, the agent masked; portability only what the person said', async () => {
    expect((await h.sync.ctx.call('settings.set', { informationSheet: SHEET })).ok).toBe(true);
    const all = Array.from({ length: ds().ticketCount }, (_, ti) => callOf(ds(), ti)).filter((c) => c !== undefined);
    // A caller with a voicemail and an answered (recorded) call, or at least a voicemail.
    const caller =
      all.find((c) => c.voicemail && c.transcribed && all.some((o) => o.caller === c.caller && !o.voicemail && o.recorded))?.caller ??
      all.find((c) => c.voicemail && c.transcribed)!.caller;
    const userId = ds().userId(caller);
    const ref = `subj_${userId}`;
    await h.call('subjects.look', { workspaceId, ref, surfaces: ['talk'] });
    const expected = talkOf(state(), [userId]);
    const places = async (kind: 'access' | 'portability'): Promise<Array<{ id: string; data: Record<string, unknown> }>> => {
      const record = await h.call('archives.export', { workspaceId, ref, kind, regulation: 'GDPR' });
      const json = (await readZip(record.path)).get('data/other-places.json');
      const rows = json ? (JSON.parse(json.toString('utf8')) as Array<{ place: string; id: string; data: Record<string, unknown> }>) : [];
      return rows.filter((r) => r.id.startsWith('voice_comment:') || r.id.startsWith('recording:'));
    };
    const access = await places('access');
    expect(access.map((r) => r.id).sort()).toEqual(expected);
    const phone = ds().phone(caller)!;
    for (const r of access) {
      const text = JSON.stringify(r.data);
      if (r.id.startsWith('recording:')) expect(r.data.recording_url).toMatch(/\/api\/v2\/channels\/voice\/calls\/\d+\/twilio\/recording$/);
      else expect(text).toContain(phone);
      const call = all.find((c) => r.id === `voice_comment:${c.commentId}` || r.id === `recording:${c.id}`)!;
      if (r.id.startsWith('voice_comment:') && call.transcribed) expect(text).toContain(ds().displayName(caller).trim());
      // The agent who answered is someone else: not named in the person's copy.
      if (!call.voicemail) expect(text).not.toContain(ds().displayName(call.agent).trim());
    }
    const portable = await places('portability');
    const theirs = all.filter((c) => c.caller === caller);
    const portableIds = [
      ...theirs.map((c) => `voice_comment:${c.commentId}`),
      ...theirs.filter((c) => c.voicemail && c.recorded).map((c) => `recording:${c.id}`),
    ].filter((id) => expected.includes(id));
    expect(portable.map((r) => r.id).sort()).toEqual(portableIds.sort());
    for (const r of portable)
      if (r.id.startsWith('voice_comment:')) {
        expect(r.data.calledFrom).toBe(phone);
        const call = theirs.find((c) => r.id === `voice_comment:${c.commentId}`)!;
        // A call's transcription holds the agent's words too: only a voicemail's is the person's.
        if (call.voicemail && call.transcribed) expect(String(r.data.transcription)).toContain(phone);
        else expect(r.data.transcription).toBeNull();
      }
  }, 120_000);

  it('an account without Talk is "not searched: not_enabled" with the reason, and the other surfaces are still searched', async () => {
    const ref = `subj_${ds().userId(5)}`;
    setTalkEnabled(state(), false);
    try {
      const looked = await h.call('subjects.look', { workspaceId, ref, surfaces: ['talk', 'suspended_tickets'] });
      expect(looked.coverage.find((c) => c.surface === 'talk')).toMatchObject({ searched: false, reason: 'not_enabled', items: null });
      expect(looked.coverage.find((c) => c.surface === 'talk')?.detail).toMatch(/not enabled/);
      expect(looked.coverage.find((c) => c.surface === 'suspended_tickets')).toMatchObject({ searched: true, reason: null });
      const d = await h.call('subjects.show', { workspaceId, ref });
      expect(d.surfaces.find((s) => s.surface === 'talk')).toBeUndefined();
      expect(d.coverage.find((c) => c.surface === 'tickets')?.searched).toBe(true);
    } finally {
      setTalkEnabled(state(), true);
    }
  }, 60_000);

  it('an export answering 500 after every retry is "not searched: error"; a 429 that clears is retried and searched', async () => {
    const ref = `subj_${ds().userId(5)}`;
    troubleTalk(state(), 500, 50);
    const failed = await h.call('subjects.look', { workspaceId, ref, surfaces: ['talk'] });
    troubleTalk(state(), 500, 0);
    const row = failed.coverage.find((c) => c.surface === 'talk')!;
    expect(row).toMatchObject({ searched: false, reason: 'error', items: null });
    expect(row.detail).toMatch(/after retries/);
    troubleTalk(state(), 429, 1);
    const retried = await h.call('subjects.look', { workspaceId, ref, surfaces: ['talk'] });
    expect(retried.coverage.find((c) => c.surface === 'talk')).toMatchObject({ searched: true, reason: null });
  }, 120_000);

  it('refuses a look naming an unknown surface beside Talk with a stable code, and keeps the last look', async () => {
    const ref = `subj_${ds().userId(5)}`;
    const before = (await h.call('subjects.show', { workspaceId, ref })).coverage.find((c) => c.surface === 'talk');
    const bad = await h.callResult('subjects.look', { workspaceId, ref, surfaces: ['talk', 'fax_machine'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('invalid_input');
    const after = (await h.call('subjects.show', { workspaceId, ref })).coverage.find((c) => c.surface === 'talk');
    expect(after).toEqual(before);
  });
});

describe('Talk in an erasure', () => {
  let h: ErasureHarness;
  beforeAll(async () => {
    h = await createErasureHarness();
  }, 120_000);
  afterAll(async () => h?.dispose());

  async function get(path: string): Promise<number> {
    const { sim } = h.sync;
    const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
    const res = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, { headers: { authorization: `Basic ${auth}` } });
    await res.arrayBuffer();
    return res.status;
  }

  /** An end user with an e-mail who called both about their own ticket and about someone else's. */
  function subject(): { userId: number; email: string } {
    const ds = h.sync.sim.dataset;
    const state = h.sync.sim.state;
    for (let i = 2; i < ds.userCount; i++) {
      const email = ds.primaryEmail(i);
      if (!email || ds.isAgentIndex(i)) continue;
      const truth = groundTruth(state, ds.userId(i));
      const own = new Set(truth.tickets.map((t) => t.ticketId));
      const calls = Array.from({ length: ds.ticketCount }, (_, ti) => callOf(ds, ti)).filter((c) => c?.caller === i);
      if (calls.some((c) => own.has(c!.ticketId)) && calls.some((c) => !own.has(c!.ticketId) && c!.recorded))
        return { userId: truth.userId, email };
    }
    throw new Error('the dataset has nobody who called about both their own and someone else’s ticket');
  }

  it('leaves only the recordings and voice comments the plan kept or blocked, through the API, and the receipt counts them', async () => {
    const state = h.sync.sim.state;
    const ds = h.sync.sim.dataset;
    const { userId, email } = subject();
    const before = talkOf(state, [userId]);

    const { plan, status } = await h.planAndRun(email);
    const items = plan.surfaceItems.filter((i) => i.surface === 'talk');
    expect(items.map((i) => i.id).sort()).toEqual(before);
    expect(plan.coverage.find((c) => c.surface === 'talk')).toMatchObject({ searched: true, items: before.length });
    const ticketDecision = new Map(plan.tickets.map((t) => [t.ticketId, t.decision]));
    for (const i of items) {
      const ticket = i.ticketId === null ? undefined : ticketDecision.get(i.ticketId);
      if (ticket === 'keep') expect(i).toMatchObject({ decision: 'keep', reasonCode: 'ticket_kept' });
      else if (i.id.startsWith('recording:')) expect(i).toMatchObject({ decision: 'delete', reasonCode: 'talk_recording' });
      else if (ticket === 'delete') expect(i).toMatchObject({ decision: 'delete', reasonCode: 'with_ticket' });
      else {
        expect(i).toMatchObject({ decision: 'blocked', reasonCode: 'voice_comment_not_erasable' });
        expect(i.fix).toMatch(new RegExp(`ticket ${i.ticketId}`));
      }
    }
    // A recording on someone else's ticket is deleted although its voice comment is blocked.
    const blocked = items.filter((i) => i.decision === 'blocked');
    expect(blocked.length).toBeGreaterThan(0);
    expect(
      items.some((i) => i.id.startsWith('recording:') && i.decision === 'delete' && blocked.some((b) => b.ticketId === i.ticketId)),
    ).toBe(true);

    // Through the API: each recording answers 404 and each voice comment is gone, unless the plan kept or blocked it.
    const planned = new Map(items.map((i) => [i.id, i]));
    for (const id of before) {
      const item = planned.get(id)!;
      if (id.startsWith('recording:')) {
        const status = await get(`/api/v2/channels/voice/calls/${id.slice('recording:'.length)}/twilio/recording`);
        expect(status, id).toBe(item.decision === 'keep' ? 200 : 404);
      } else {
        const listed = await fetchVoiceComments(item.ticketId!);
        const there = listed.includes(Number(id.slice('voice_comment:'.length)));
        expect(there, id).toBe(item.decision !== 'delete');
      }
    }
    expect(talkOf(state, [userId]).every((id) => planned.get(id)?.decision !== 'delete')).toBe(true);

    const receipt = JSON.parse(await readFile(status.receipt!.json, 'utf8')) as Receipt;
    const byDecision: Record<string, number> = {};
    for (const i of items) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
    expect(receipt.surfaces.find((s) => s.surface === 'talk')).toMatchObject({
      searched: true,
      found: before.length,
      byDecision,
      leftAfterVerification: 0,
    });
    for (const i of items) expect(JSON.stringify(receipt)).not.toContain(i.id);
    expect(JSON.stringify(receipt)).not.toContain(ds.phone(ds.userIndex(userId)!)!);
    // Every recording was deleted by the journal (one Talk call each), nothing else sent for the surface.
    const deletes = h.requests.filter((r) => r.method === 'DELETE' && r.template === '/api/v2/channels/voice/calls/{call_id}/recordings');
    expect(deletes.length).toBe(items.filter((i) => i.id.startsWith('recording:') && i.decision === 'delete').length);
  }, 180_000);

  async function fetchVoiceComments(ticketId: number): Promise<number[]> {
    const { sim } = h.sync;
    const auth = Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64');
    const res = await fetch(`${sim.url}/api/v2/tickets/${ticketId}/comments.json`, { headers: { authorization: `Basic ${auth}` } });
    if (res.status === 404) return [];
    const body = (await res.json()) as { comments: Array<{ id: number; type: string }> };
    return body.comments.filter((c) => c.type === 'VoiceComment').map((c) => c.id);
  }
});
