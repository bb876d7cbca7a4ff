import { describe, expect, it } from 'vitest';
import { groundTruth } from '../../src/sim/truth';
import { fieldValuesOf, notifiedOn, troubleAudits } from '../../src/sim';
import { ticketAuditsSurface } from '../../src/main/core/surfaces/ticket-audits';
import { useSubjectsHarness } from '../support/subjects-harness';
import { simClient } from '../support/sim-api';

/**
 * Ticket custom field values and their history (#12 surface 4), read on demand over real HTTP to
 * the simulator into a real encrypted cache: the dossier lists exactly the ground truth's
 * (ticket, field) items, says whether the value holds the person now or only in the audits, lists
 * the tickets whose audits record them as a notification's recipient (role 'recipient'), and
 * an audits endpoint that keeps failing is "not searched: error", never zero items.
 */
const fx = useSubjectsHarness();
const { state, ds } = fx;

describe('ticket field values and their history in the dossier', () => {
  it('lists exactly the ground truth’s field and recipient items for every tiny-dataset subject', async () => {
    let withCurrent = 0;
    let withHistoryOnly = 0;
    let notified = 0;
    let copied = 0;
    for (let i = 0; i < ds().userCount; i++) {
      const ref = `subj_${ds().userId(i)}`;
      const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['ticket_audits'] });
      const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
      const truths = d.accounts.map((a) => groundTruth(state(), a.userId));
      const expected = fieldValuesOf(
        state(),
        truths.flatMap((t) => t.tickets.map((x) => x.ticketId)),
        {
          names: truths.map((t) => t.name.trim()),
          emails: truths.flatMap((t) => t.emails),
          phones: truths.flatMap((t) => t.phones),
        },
      );
      const recipientOf = notifiedOn(
        state(),
        truths.flatMap((t) => t.tickets.map((x) => x.ticketId)),
        d.accounts.map((a) => a.userId),
      );
      const all = d.surfaces.find((s) => s.surface === 'ticket_audits')?.items ?? [];
      const items = all.filter((x) => !x.id.endsWith(':notified'));
      expect(items.map((x) => x.id).sort(), `field items of ${ref}`).toEqual(expected.map((e) => `${e.ticketId}:${e.fieldId}`).sort());
      const recipients = all.filter((x) => x.id.endsWith(':notified'));
      expect(recipients.map((x) => x.ticketId).sort(), `recipient items of ${ref}`).toEqual([...recipientOf].sort());
      for (const r of recipients) {
        expect(r, r.id).toMatchObject({ roles: ['recipient'] });
        expect(r.why, r.id).toMatch(new RegExp(`audits of ticket ${r.ticketId} record the person’s account as the recipient of`));
        notified++;
        if (/CC/.test(r.why)) copied++;
      }
      for (const e of expected) {
        const item = items.find((x) => x.id === `${e.ticketId}:${e.fieldId}`)!;
        expect(item).toMatchObject({ ticketId: e.ticketId, roles: ['field_value'] });
        expect(item.why, item.id).toMatch(e.current ? /holds the person’s .* now/ : /an earlier value .* audits/);
        if (e.current) withCurrent++;
        else withHistoryOnly++;
      }
      const row = looked.coverage.find((c) => c.surface === 'ticket_audits')!;
      expect(row).toMatchObject({ searched: true, reason: null, read: 'on_demand', items: expected.length + recipientOf.length });
    }
    // Every kind must occur, or the comparison above proves little.
    expect(withCurrent).toBeGreaterThan(0);
    expect(withHistoryOnly).toBeGreaterThan(0);
    expect(notified).toBeGreaterThan(0);
    expect(copied, 'a person copied (Cc event) on a ticket').toBeGreaterThan(0);
  }, 180_000);

  it('an audits endpoint answering 500 after every retry is "not searched: error", not zero items', async () => {
    let userId = -1;
    for (let i = 2; i < ds().userCount && userId < 0; i++)
      if (groundTruth(state(), ds().userId(i)).tickets.length > 0 && !ds().isAgentIndex(i)) userId = ds().userId(i);
    const ref = `subj_${userId}`;
    troubleAudits(state(), 500, 1_000);
    const looked = await fx.h.call('subjects.look', { workspaceId: fx.workspaceId, ref, surfaces: ['ticket_audits'] });
    troubleAudits(state(), 500, 0);
    const row = looked.coverage.find((c) => c.surface === 'ticket_audits')!;
    expect(row).toMatchObject({ searched: false, reason: 'error', items: null });
    expect(row.detail).toMatch(/after retries/);
    const d = await fx.h.call('subjects.show', { workspaceId: fx.workspaceId, ref });
    expect(d.coverage.find((c) => c.surface === 'ticket_audits')).toMatchObject({ searched: false, items: null });
    expect(d.surfaces.find((s) => s.surface === 'ticket_audits')).toBeUndefined();
  }, 120_000);

  it('keeps only the values holding the person in the item’s record (it goes into their access archive)', async () => {
    const client = simClient(fx.h.sync.sim);
    let ticketId = -1;
    for (let i = 0; i < ds().ticketCount && ticketId < 0; i++) {
      const p = state().ticketPeople(i);
      if (p.state === 'live' && p.status !== 'closed') ticketId = p.id;
    }
    const values = ['ORD-111111', 'call back on +44 20 7946 0321', 'Caller: Someone Else', 'ORD-222222'];
    for (const value of values)
      await client.transport.json({
        method: 'PUT',
        template: '/api/v2/tickets/{ticket_id}',
        params: { ticket_id: ticketId },
        body: { ticket: { custom_fields: [{ id: 360_001, value }] } },
      });
    const subject = { userIds: [], emails: [], phones: ['442079460321'], names: [], ticketIds: [ticketId] };
    const items = await ticketAuditsSurface.look!({ client, subject });
    const item = items.find((i) => i.id === `${ticketId}:360001`);
    expect(item?.record).toMatchObject({ holds_person_now: false, current_value: null });
    expect((item?.record.earlier_values as { value: string }[]).map((v) => v.value)).toEqual(['call back on +44 20 7946 0321']);
    expect(JSON.stringify(item)).not.toMatch(/Someone Else|ORD-/);
  }, 60_000);
});
