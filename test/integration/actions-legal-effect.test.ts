import { afterEach, beforeEach, expect, it } from 'vitest';
import { mergeContract } from '../../src/shared/contract/define';
import { actionOperations, type ActionResult, type SubjectActionState } from '../../src/shared/contract/groups/actions';
import { createActionHandlers } from '../../src/main/core/actions';
import { ActionService } from '../../src/main/core/actions/service';
import { listAuditEntries, openAuditContext } from '../../src/main/core/audit';
import { fillCacheFromHelpdesk } from '../../src/main/core/erasure/testing/fill-cache';
import { RateLimitScheduler, ZendeskClient } from '../../src/main/core/helpdesk';
import { createRouter, type Router } from '../../src/main/core/router/router';
import { startSimulator, type Simulator } from '../../src/sim';
import { createTestCore, type TestCore } from '../support/core';
import { isWrite } from '../support/writes';

let sim: Simulator;
let ctx: TestCore;
let router: Router;
let workspaceId: string;

const SUBJECT_ID = 380000000005;
const REF = `subj_${SUBJECT_ID}`;

async function call<T>(name: keyof typeof actionOperations, input: unknown): Promise<T> {
  const result = await router.call(name, input);
  if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.value as T;
}

const writes = (): string[] => sim.state.requestLog.filter(isWrite).map((r) => `${r.method} ${r.path}`);

beforeEach(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true });
  ctx = await createTestCore();
  const created = await ctx.call('workspaces.create', {
    name: 'Simulator',
    address: { baseUrl: sim.url },
    email: sim.admin.email,
    apiToken: sim.admin.token,
  });
  if (!created.ok) throw new Error(created.error.message);
  workspaceId = created.value.id;
  const cache = await ctx.core.services.caches.open(workspaceId);
  const filler = new ZendeskClient(
    { baseUrl: sim.url, email: sim.admin.email, token: sim.admin.token },
    {
      scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000, exportRequestsPerMinute: 100_000 }),
    },
  );
  await fillCacheFromHelpdesk(cache.db, filler);
  const service = new ActionService(ctx.core.services, {
    transport: {
      scheduler: new RateLimitScheduler({ requestsPerMinute: 100_000 }),
      maxAttempts: 2,
      backoff: { baseMs: 5, capMs: 20 },
      timeoutMs: 5_000,
    },
  });
  router = createRouter(mergeContract(actionOperations), createActionHandlers(ctx.core.services, { service }), ctx.core.services.log);
});

afterEach(async () => {
  await ctx.dispose();
  await sim.close();
});

async function auditOf(action: string) {
  const audit = await openAuditContext(ctx.core.services, workspaceId);
  return listAuditEntries(audit.db, { action }).entries;
}

it('restriction and objection carry a reason and a request; the state comes from the journal', async () => {
  const state = () => call<SubjectActionState>('actions.state', { workspaceId, subjectRef: REF });
  expect(await state()).toMatchObject({ restriction: 'none', objections: [] });
  const reg = await ctx.call('requests.create', {
    workspaceId,
    type: 'restriction',
    regulation: 'GDPR',
    channel: 'email',
    receivedAt: new Date().toISOString(),
    requester: { name: 'Restricted Person', email: 'restricted.person@example.test' },
    subjectId: SUBJECT_ID,
  });
  if (!reg.ok) throw new Error(reg.error.message);
  const requestId = reg.value.id;
  const r = await call<ActionResult>('actions.restrict', {
    workspaceId,
    subjectRef: REF,
    requestId,
    reason: 'Accuracy contested by the person (Art. 18(1)(a))',
  });
  expect(r.action).toMatchObject({ state: 'done', requestId, reason: 'Accuracy contested by the person (Art. 18(1)(a))' });
  expect(await state()).toMatchObject({ restriction: 'restricted', actionId: r.action.id, requestId });
  const [entry] = await auditOf('actions.restrict');
  // The reason is free text: the audit says one was given, the journal keeps it.
  expect(entry).toMatchObject({ requestId, data: { reasonRecorded: true } });
  expect(JSON.stringify(entry)).not.toContain('Accuracy contested');

  await call<ActionResult>('actions.object', { workspaceId, subjectRef: REF, kind: 'marketing', reason: 'Asked by phone' });
  expect((await state()).objections).toEqual(['marketing']);

  await call<ActionResult>('actions.liftRestriction', { workspaceId, subjectRef: REF, informedSubject: true, reason: 'Data corrected' });
  expect((await state()).restriction).toBe('none');
});

it("refuses, in the preview, an e-mail change to another user's address, and queues nothing", async () => {
  const other = sim.state.userView(380000000006)!.rec;
  const before = writes().length;
  const result = await router.call('actions.rectify', {
    workspaceId,
    subjectRef: REF,
    fields: {},
    newEmail: other.email!.toUpperCase(),
    dryRun: true,
  });
  expect(result).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'email_taken', userId: 380000000006 } } });
  expect(result.ok ? '' : result.error.message).toContain('another helpdesk user');
  const applied = await router.call('actions.rectify', { workspaceId, subjectRef: REF, fields: {}, newEmail: other.email! });
  expect(applied).toMatchObject({ ok: false, error: { code: 'conflict' } });
  expect(writes().length).toBe(before);
  expect((await call<{ actions: unknown[] }>('actions.list', { workspaceId, subjectRef: REF })).actions).toEqual([]);
});
