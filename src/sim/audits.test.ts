import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earlierFieldValue, fieldValuesOf, MISUSED_FIELD, troubleAudits } from './audits';
import { startSimulator, type Simulator } from './index';
import { api, type Json } from './testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 1, noLimits: true });
});
afterAll(async () => sim.close());

const ds = () => sim.state.ds;

/** A live, not closed ticket whose field 360002 had an earlier value (generated history). */
function ticketWithHistory(): number {
  for (let i = 0; i < ds().ticketCount; i++) {
    const p = sim.state.ticketPeople(i);
    if (p.state === 'live' && p.status !== 'closed' && earlierFieldValue(sim.state, i) !== null) return p.id;
  }
  throw new Error('no ticket with field history in the tiny dataset');
}

const fieldEvents = (audits: Json[], field: number): Json[] =>
  audits.flatMap((a: Json) => a.events).filter((e: Json) => e.field_name === String(field));

describe('ticket audits', () => {
  it('lists a Create audit with the initial field value, then the change that replaced it, in order, paged both ways', async () => {
    const admin = api(sim, 'agent');
    const id = ticketWithHistory();
    const all = await admin.get(`/api/v2/tickets/${id}/audits.json`);
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(all.body.audits.length);
    const events = fieldEvents(all.body.audits, MISUSED_FIELD);
    const earlier = earlierFieldValue(sim.state, id - 1)!;
    expect(events[0]).toMatchObject({ type: 'Create', value: earlier });
    expect(events[1]).toMatchObject({ type: 'Change', previous_value: earlier });
    expect(all.body.audits[0].events.some((e: Json) => e.type === 'Notification' && Array.isArray(e.recipients))).toBe(true);
    const times = all.body.audits.map((a: Json) => a.created_at);
    expect([...times].sort()).toEqual(times);

    const ids: number[] = [];
    let url: string | null = `/api/v2/tickets/${id}/audits.json?page[size]=1`;
    while (url) {
      const page: Json = await admin.get(url);
      ids.push(...page.body.audits.map((a: Json) => a.id));
      url = page.body.meta.has_more ? page.body.links.next : null;
    }
    expect(ids).toEqual(all.body.audits.map((a: Json) => a.id));
  });

  it('a PUT of one custom field keeps the others and adds a Change audit named by the field id', async () => {
    const admin = api(sim);
    const id = ticketWithHistory();
    const before = (await admin.get(`/api/v2/tickets/${id}.json`)).body.ticket.custom_fields as Json[];
    const put = await admin.put(`/api/v2/tickets/${id}.json`, {
      ticket: { custom_fields: [{ id: MISUSED_FIELD, value: 'Caller: Zoë Test' }] },
    });
    expect(put.status).toBe(200);
    const after = put.body.ticket.custom_fields as Json[];
    expect(after.find((f: Json) => f.id === 360_001)).toEqual(before.find((f: Json) => f.id === 360_001));
    expect(after.find((f: Json) => f.id === MISUSED_FIELD)?.value).toBe('Caller: Zoë Test');
    const audits = (await admin.get(`/api/v2/tickets/${id}/audits.json`)).body.audits;
    const last = fieldEvents(audits, MISUSED_FIELD).at(-1);
    expect(last).toMatchObject({ type: 'Change', value: 'Caller: Zoë Test' });
    expect(fieldEvents(audits, 360_001).filter((e: Json) => e.type === 'Change')).toEqual([]);
    expect(fieldValuesOf(sim.state, [id], { names: ['zoë test'], emails: [], phones: [] })).toEqual([
      { ticketId: id, fieldId: MISUSED_FIELD, current: true },
    ]);
    const bad = await admin.put(`/api/v2/tickets/${id}.json`, { ticket: { custom_fields: [{ id: MISUSED_FIELD, value: { x: 1 } }] } });
    expect(bad.status).toBe(422);
  });

  it('answers 404 for a deleted ticket, and the scripted 500s', async () => {
    const admin = api(sim);
    const id = ticketWithHistory();
    troubleAudits(sim.state, 500, 1);
    expect((await admin.get(`/api/v2/tickets/${id}/audits.json`)).status).toBe(500);
    expect((await admin.get(`/api/v2/tickets/${id}/audits.json`)).status).toBe(200);
    expect((await admin.del(`/api/v2/tickets/${id}.json`)).status).toBe(204);
    expect((await admin.get(`/api/v2/tickets/${id}/audits.json`)).status).toBe(404);
    expect(fieldValuesOf(sim.state, [id], { names: ['zoë test'], emails: [], phones: [] })).toEqual([]);
  });
});
