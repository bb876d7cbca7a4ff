import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZendeskClient } from '../../src/main/core/helpdesk/client';
import { RateLimitScheduler } from '../../src/main/core/helpdesk/scheduler';
import { collect } from '../../src/main/core/helpdesk/pagination';
import { complianceDeletionStatuses } from '../../src/main/core/helpdesk/compliance';
import type { Ticket, User } from '../../src/main/core/helpdesk/schemas';
import type { RequestInfo } from '../../src/main/core/helpdesk/transport';
import { startSimulator } from '../../src/sim/index';
import { ticketAuditsSurface } from '../../src/main/core/surfaces/ticket-audits';
import { customObjectsSurface } from '../../src/main/core/surfaces/custom-objects';
import { cursorPages } from '../../src/main/core/helpdesk/pagination';
import { z } from 'zod';
import { PROPERTY_OVERRIDES, RESPONSE_SCHEMA_PATCHES, UNDECLARED_QUERY_ALLOWED } from './allowlist';
import { declaresQuery, loadSpec, type Spec } from './oas';
import { startRecordingProxy, type Exchange } from './recording-proxy';

/**
 * Checks both sides against Zendesk's own OpenAPI spec: (a) the simulator's responses to every
 * operation the client uses validate against the spec's response schemas, and (b) every request
 * the client sends names an operation the spec declares, with declared query parameters. Each
 * step below drives real client methods through a recording proxy into the simulator.
 */
const OAS = process.env.LETHE_ZENDESK_OAS;
const title = OAS
  ? 'Zendesk OAS conformance (client requests and simulator responses)'
  : 'Zendesk OAS conformance — SKIPPED: set LETHE_ZENDESK_OAS to the path of zendesk-support-oas.yaml';

interface Ctx {
  client: ZendeskClient;
  me: User;
  endUser: User;
  other: User;
  tickets: Ticket[];
  ticket: Ticket;
}

type Step = [name: string, run: (ctx: Ctx) => Promise<unknown>];

const firstPage = async <T>(pages: AsyncGenerator<{ items: T[] }>): Promise<T[]> => {
  const page = await pages.next();
  await pages.return(undefined);
  return page.done ? [] : page.value.items;
};

const STEPS: Step[] = [
  ['users/me', async (c) => (c.me = await c.client.me())],
  [
    'incremental users export (cursor)',
    async (c) => {
      const users = await firstPage(c.client.exportUsers({ startTime: 0, perPage: 100 }));
      const endUsers = users.filter((u) => u.role === 'end-user' && u.active && u.email);
      expect(endUsers.length).toBeGreaterThan(1);
      c.endUser = endUsers[0]!;
      c.other = endUsers[endUsers.length - 1]!;
    },
  ],
  [
    'incremental tickets export (cursor)',
    async (c) => {
      c.tickets = await firstPage(c.client.exportTickets({ startTime: 0, perPage: 100 }));
      c.ticket = c.tickets.find((t) => t.status !== 'closed' && t.status !== 'deleted') ?? c.tickets[0]!;
    },
  ],
  ['incremental organizations export (time)', (c) => firstPage(c.client.exportOrganizations({ startTime: 0, perPage: 100 }))],
  ['incremental ticket events export (time, comment_events)', (c) => firstPage(c.client.exportTicketEvents({ startTime: 0 }))],
  ['users show', (c) => c.client.getUser(c.endUser.id)],
  ['users show_many', (c) => c.client.showManyUsers([c.endUser.id, c.other.id])],
  ['users search', (c) => firstPage(c.client.searchUsers(`email:"${c.endUser.email}"`))],
  ['users related', (c) => c.client.userRelated(c.endUser.id)],
  [
    'users update, suspend, unsuspend',
    async (c) => {
      await c.client.updateUser(c.endUser.id, { notes: 'conformance' });
      await c.client.suspendUser(c.endUser.id);
      await c.client.unsuspendUser(c.endUser.id);
    },
  ],
  ['users sessions revoke', (c) => c.client.revokeSessions(c.endUser.id)],
  [
    'identities list, create, make primary, delete',
    async (c) => {
      const before = await collect(c.client.listIdentities(c.endUser.id));
      const created = await c.client.createIdentity(
        c.endUser.id,
        { type: 'email', value: `conformance-${c.endUser.id}@example.org` },
        { skipVerifyEmail: true },
      );
      await c.client.makeIdentityPrimary(c.endUser.id, created.id);
      const old = before.find((i) => i.type === 'email');
      if (old) await c.client.deleteIdentity(c.endUser.id, old.id);
    },
  ],
  [
    'organizations show, show_many, memberships',
    async (c) => {
      const memberships = await firstPage(c.client.listOrganizationMemberships({ pageSize: 100 }));
      await firstPage(c.client.listOrganizationMemberships({ userId: c.endUser.id }));
      const orgId = memberships[0]?.organization_id;
      expect(orgId).toBeDefined();
      await c.client.getOrganization(orgId!);
      await c.client.showManyOrganizations([orgId!]);
    },
  ],
  [
    'tickets show, show_many, update',
    async (c) => {
      await c.client.getTicket(c.ticket.id);
      await c.client.showManyTickets(c.tickets.slice(0, 3).map((t) => t.id));
      await c.client.updateTicket(c.ticket.id, { tags: [...c.ticket.tags, 'conformance'] });
    },
  ],
  [
    'ticket audits (field values and their history), clearing a field',
    async (c) => {
      const ticketIds = c.tickets
        .filter((t) => t.status !== 'deleted')
        .slice(0, 3)
        .map((t) => t.id);
      await ticketAuditsSurface.look!({ client: c.client, subject: { userIds: [], emails: [], phones: [], names: [], ticketIds } });
      await c.client.transport.json({
        method: 'PUT',
        template: '/api/v2/tickets/{ticket_id}',
        params: { ticket_id: c.ticket.id },
        body: { ticket: { custom_fields: [{ id: 360_002, value: null }] } },
      });
    },
  ],
  [
    'tickets requested and ccd by user',
    async (c) => {
      await firstPage(c.client.requestedTickets(c.ticket.requester_id));
      await firstPage(c.client.ccdTickets(c.ticket.requester_id));
    },
  ],
  [
    'comments list and redaction (legacy, comment_redactions, attachment)',
    async (c) => {
      const open = c.tickets.filter((t) => t.status !== 'closed' && t.status !== 'deleted');
      for (const t of open) {
        const comments = await collect(c.client.listComments(t.id));
        const withText = comments.find((cm) => cm.body.length > 8);
        if (!withText) continue;
        await c.client.redactCommentText(t.id, withText.id, withText.body.slice(0, 4));
        await c.client.redactComment(withText.id, { ticketId: t.id, htmlBody: `<redact>${withText.body.slice(0, 4)}</redact>` });
        const withFile = comments.find((cm) => cm.attachments.length > 0);
        if (withFile) await c.client.redactAttachment(t.id, withFile.id, withFile.attachments[0]!.id);
        return;
      }
      throw new Error('no open ticket with a comment in the first export page');
    },
  ],
  ['search export', (c) => firstPage(c.client.searchExport(`requester:${c.endUser.email}`, { type: 'ticket' }))],
  [
    'tickets delete, restore, destroy_many, deleted list, permanent delete, job status',
    async (c) => {
      const [a, b, d] = c.tickets.slice(-3).map((t) => t.id);
      await c.client.deleteTicket(a!);
      await firstPage(c.client.listDeletedTickets());
      await c.client.restoreDeletedTicket(a!);
      const job = await c.client.destroyManyTickets([a!, b!, d!]);
      await c.client.getJobStatus(job.id);
      await c.client.waitForJob(job, { intervalMs: 50 });
      await c.client.waitForJob(await c.client.permanentlyDeleteTicket(a!), { intervalMs: 50 });
      await c.client.waitForJob(await c.client.destroyManyDeletedTickets([b!, d!]), { intervalMs: 50 });
    },
  ],
  [
    'users delete, destroy_many, deleted users, permanent delete',
    async (c) => {
      const candidates = (await firstPage(c.client.exportUsers({ startTime: 0, perPage: 100 }))).filter(
        (u) => u.role === 'end-user' && u.active && u.id !== c.endUser.id && u.id !== c.other.id,
      );
      // A user who still requests tickets that are not closed cannot be deleted: pick one without.
      let target: User | undefined;
      for (const candidate of candidates) {
        const requested = await collect(c.client.requestedTickets(candidate.id));
        if (requested.every((t) => t.status === 'closed')) {
          target = candidate;
          break;
        }
      }
      expect(target).toBeDefined();
      await c.client.deleteUser(target!.id);
      await c.client.getDeletedUser(target!.id);
      await firstPage(c.client.listDeletedUsers());
      await c.client.permanentlyDeleteUser(target!.id);
      // Zendesk's own per-product progress of that deletion (#12 surface 9).
      expect((await complianceDeletionStatuses(c.client, target!.id)).length).toBeGreaterThan(0);
      await c.client.waitForJob(await c.client.destroyManyUsers([c.other.id]), { intervalMs: 50 });
    },
  ],
  [
    'custom objects: objects, fields, records (cursor), filtered and text search, show, update, delete',
    async (c) => {
      const Row = z.looseObject({ id: z.string(), custom_object_fields: z.record(z.string(), z.unknown()) });
      const listing = {
        spec: {
          method: 'GET' as const,
          template: '/api/v2/custom_objects/{custom_object_key}/records',
          params: { custom_object_key: 'device' },
        },
        key: 'custom_object_records',
        item: Row,
      };
      const devices = await firstPage(cursorPages(c.client.transport, listing, 100));
      const owners = devices.map((r) => Number(r.custom_object_fields.owner)).filter((n) => n > 0);
      expect(owners.length).toBeGreaterThan(0);
      const subject = { userIds: owners.slice(0, 3), emails: [c.endUser.email!.toLowerCase()], phones: [], names: [], ticketIds: [] };
      const found = await customObjectsSurface.look!({ client: c.client, subject });
      expect(found.length).toBeGreaterThan(0);
      const [key, id] = found[0]!.id.split(':') as [string, string];
      const params = { custom_object_key: key, custom_object_record_id: id };
      const template = '/api/v2/custom_objects/{custom_object_key}/records/{custom_object_record_id}';
      await c.client.transport.json({ method: 'GET', template, params });
      await c.client.transport.json({
        method: 'PATCH',
        template,
        params,
        body: { custom_object_record: { custom_object_fields: key === 'device' ? { owner: null } : { handled_by: null } } },
      });
      await c.client.transport.json({ method: 'DELETE', template, params });
    },
  ],
];

/**
 * The list endpoints third-party clients call first (node-zendesk's users.list(), tickets.list(),
 * groups, fields): Lethe's client does not use them, so they are fetched directly through the proxy.
 */
const LIST_PATHS: string[] = [
  '/api/v2/users.json?page[size]=10',
  '/api/v2/users.json?page=2&per_page=10&role=end-user&include=identities,organizations',
  '/api/v2/tickets.json?page[size]=10&include=users,groups,organizations',
  '/api/v2/tickets.json?page=2&per_page=10',
  '/api/v2/groups.json',
  `/api/v2/groups/${370_000_000_000}.json`,
  '/api/v2/ticket_fields.json',
  '/api/v2/ticket_fields/360001.json',
  '/api/v2/user_fields.json',
  '/api/v2/user_fields/360301.json',
  '/api/v2/organization_fields.json?page[size]=100',
  '/api/v2/organization_fields/360402.json',
];

describe.skipIf(!OAS)(title, () => {
  let spec: Spec;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  const sent: RequestInfo[] = [];
  const ctx = {} as Ctx;

  beforeAll(async () => {
    spec = loadSpec(OAS!, PROPERTY_OVERRIDES);
    sim = await startSimulator({ port: 0, size: 'tiny', seed: 11, noLimits: true });
    proxy = await startRecordingProxy(sim.url);
    ctx.client = new ZendeskClient(
      { baseUrl: proxy.url, email: sim.admin.email, token: sim.admin.token },
      {
        scheduler: new RateLimitScheduler({ requestsPerMinute: 1e6, exportRequestsPerMinute: 1e6 }),
        onRequest: (r) => sent.push(r),
        maxAttempts: 1,
      },
    );
  });

  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });

  for (const [name, run] of STEPS) {
    it(name, async () => {
      const firstSent = sent.length;
      const firstExchange = proxy.exchanges.length;
      await run(ctx);
      const requests = sent.slice(firstSent);
      const exchanges = proxy.exchanges.slice(firstExchange);
      expect(requests.length).toBeGreaterThan(0);
      expect(requestProblems(spec, requests)).toEqual([]);
      expect(responseProblems(spec, exchanges)).toEqual([]);
    });
  }

  for (const path of LIST_PATHS) {
    it(`list endpoint ${path}`, async () => {
      const firstExchange = proxy.exchanges.length;
      const url = new URL(`${proxy.url}${path}`);
      const auth = `Basic ${Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64')}`;
      const response = await fetch(url, { headers: { Authorization: auth, Accept: 'application/json' } });
      await response.arrayBuffer();
      const request: RequestInfo = { method: 'GET', template: url.pathname, url, attempt: 1 };
      expect(requestProblems(spec, [request])).toEqual([]);
      expect(responseProblems(spec, proxy.exchanges.slice(firstExchange))).toEqual([]);
    });
  }
});

/** (b) Requests: a declared path and method, declared query parameter names. */
function requestProblems(spec: Spec, requests: RequestInfo[]): string[] {
  const problems: string[] = [];
  for (const request of requests) {
    const op = spec.match(request.method, request.url.pathname);
    if (!op) {
      problems.push(`${request.method} ${request.template}: no such operation in the spec (sent ${request.url.pathname})`);
      continue;
    }
    const allowed = UNDECLARED_QUERY_ALLOWED[`${op.method} ${op.template}`]?.names ?? [];
    for (const name of new Set(request.url.searchParams.keys())) {
      if (!declaresQuery(op, name) && !allowed.includes(name))
        problems.push(`${op.method} ${op.template}: query parameter ${name} is not declared`);
    }
  }
  return problems;
}

/** (a) Responses: every JSON success body validates against the spec's schema for its status. */
function responseProblems(spec: Spec, exchanges: Exchange[]): string[] {
  const problems: string[] = [];
  for (const exchange of exchanges) {
    const op = spec.match(exchange.method, exchange.url.pathname);
    if (!op) continue; // reported by requestProblems
    const label = `${op.method} ${op.template} → ${exchange.status}`;
    if (exchange.status < 200 || exchange.status >= 300) {
      problems.push(`${label}: the simulator refused the call: ${exchange.body.slice(0, 200)}`);
      continue;
    }
    if (!exchange.body) continue;
    const validator = spec.responseValidator(op, exchange.status, RESPONSE_SCHEMA_PATCHES[`${op.method} ${op.template}`]?.patch);
    if (!validator) continue;
    if (!validator(JSON.parse(exchange.body))) {
      const errors = (validator.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
      problems.push(`${label}: ${errors.join('; ')}`);
    }
  }
  return problems;
}
