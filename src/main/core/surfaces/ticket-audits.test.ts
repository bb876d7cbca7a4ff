import { describe, expect, it } from 'vitest';
import { personValuesIn, ticketAuditsSurface } from './ticket-audits';
import type { FoundItem } from './types';

const who = { emails: ['ana.lima7@example.com'], phones: ['4930123456'], names: ['Ana Lima'] };

function item(holdsNow: boolean, status: string): FoundItem {
  return {
    surface: 'ticket_audits',
    id: '12:360002',
    ticketId: 12,
    label: 'x',
    at: null,
    roles: ['field_value'],
    why: 'x',
    record: { ticket_id: 12, ticket_status: status, field_id: 360002, current_value: null, holds_person_now: holdsNow, earlier_values: [] },
    provided: null,
    strings: ['Ana Lima'],
  };
}

describe('ticket field values', () => {
  it('finds the person’s address, number and name however they were typed, and nothing in other text', () => {
    expect(personValuesIn('Caller: ANA  LIMA, DOB 1970-01-21', who)).toEqual(['Ana Lima']);
    expect(personValuesIn('call back on +49 (30) 123-456', who)).toEqual(['4930123456']);
    expect(personValuesIn('write to Ana.Lima7@Example.COM', who)).toEqual(['ana.lima7@example.com']);
    expect(personValuesIn('ORD-4930123456789', who)).toEqual([]);
    expect(personValuesIn('Caller: Bruno Costa', who)).toEqual([]);
    expect(personValuesIn(null, who)).toEqual([]);
    expect(personValuesIn('', who)).toEqual([]);
  });

  it('decides: with a deleted ticket, kept as it stands with a kept ticket, cleared when current and changeable, else blocked with the fix', () => {
    const decide = (i: FoundItem, ticket: 'delete' | 'redact' | 'keep' | undefined) =>
      ticketAuditsSurface.decide!(i, { ticketDecision: () => ticket });
    expect(decide(item(true, 'open'), 'delete')).toMatchObject({ decision: 'delete', reasonCode: 'with_ticket' });
    expect(decide(item(false, 'open'), 'delete')).toMatchObject({ decision: 'delete' });
    expect(decide(item(true, 'open'), 'redact')).toMatchObject({ decision: 'redact', reasonCode: 'field_cleared' });
    expect(decide(item(true, 'open'), 'keep')).toMatchObject({ decision: 'keep', reasonCode: 'ticket_kept' });
    expect(decide(item(true, 'open'), 'redact').reason).toMatch(/audits until the ticket is deleted/);
    expect(decide(item(false, 'open'), 'keep')).toMatchObject({ decision: 'keep', legalBasis: expect.any(String) });
    const history = decide(item(false, 'open'), 'redact');
    expect(history).toMatchObject({ decision: 'blocked', reasonCode: 'field_history' });
    expect(history.fix).toMatch(/delete: Zendesk keeps field history until the ticket is deleted/);
    expect(decide(item(true, 'closed'), 'redact')).toMatchObject({ decision: 'blocked', reasonCode: 'closed_ticket_field' });
    expect(decide(item(true, 'closed'), undefined).fix).toMatch(/ticket 12/);
  });

  it('decides a ticket’s notifications to the person by its ticket: the audit log cannot be edited', () => {
    const notified: FoundItem = { ...item(false, 'open'), id: '12:notified', roles: ['recipient'], strings: [] };
    const decide = (ticket: 'delete' | 'redact' | 'keep' | undefined) =>
      ticketAuditsSurface.decide!(notified, { ticketDecision: () => ticket });
    expect(decide('delete')).toMatchObject({ decision: 'delete', reasonCode: 'with_ticket' });
    expect(decide('keep')).toMatchObject({ decision: 'keep', reasonCode: 'ticket_kept' });
    expect(decide('redact')).toMatchObject({ decision: 'blocked', reasonCode: 'notification_history' });
    expect(decide(undefined).fix).toMatch(/ticket 12 to delete/);
  });
});
