import { afterEach, expect, it } from 'vitest';
import { startScriptedHelpdesk, type ScriptedHelpdesk } from '../../../../test/support/scripted-helpdesk';
import { customObjectsSurface } from './custom-objects';

/**
 * The 404s of a custom object's fields: an object deleted between the listing and the read holds
 * nobody (not an error); one that still exists and answers 404 is unexplained and must not pass
 * for "nothing found". Shapes the simulator does not produce, so a scripted helpdesk.
 */
let helpdesk: ScriptedHelpdesk | undefined;
afterEach(async () => {
  await helpdesk?.close();
  helpdesk = undefined;
});

const subject = {
  userIds: [7],
  emails: ['ann@example.org'],
  phones: [],
  names: ['Ann Example'],
  ticketIds: [],
  otherTicketIds: [],
} as never;
const listing = { custom_objects: [{ key: 'devices', title: 'Devices' }] };

it('an object gone between the listing and the read of its fields holds nobody: the look finds nothing, and checked that it is gone', async () => {
  helpdesk = await startScriptedHelpdesk((path) => (path === '/api/v2/custom_objects' ? listing : undefined));
  await expect(customObjectsSurface.look!({ client: helpdesk.client, subject })).resolves.toEqual([]);
  expect(helpdesk.requested).toContain('GET /api/v2/custom_objects/devices');
});

it('fields answering 404 while the object still exists fail the look, never a clean empty answer', async () => {
  helpdesk = await startScriptedHelpdesk((path) => {
    if (path === '/api/v2/custom_objects') return listing;
    if (path === '/api/v2/custom_objects/devices') return { custom_object: { key: 'devices', title: 'Devices' } };
    return undefined;
  });
  await expect(customObjectsSurface.look!({ client: helpdesk.client, subject })).rejects.toThrow(/answered 404 though the object exists/);
});
