import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErasurePlan, RunStatus } from '../../src/shared/contract/groups/erasure';
import { createErasureHarness, type ErasureHarness } from '../../src/main/core/erasure/testing/harness';
import { startPostgres, type PgCluster } from '../support/postgres';

// Erasure plans, approvals and the journal in a real PostgreSQL, between machines of two (real)
// roles, alice and bob, against one simulated helpdesk: the first machine's simulator. Every
// machine has its own core, data directory, cache and local journal.

const SUBJECT = 'giorgos.papadopoulos5@post.example.de';

let cluster: PgCluster;
let database: string;
const machines: ErasureHarness[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
  database = await cluster.createDatabase('erasure');
  await cluster.createLogin('alice', 'alice-pw');
  await cluster.createLogin('bob', 'bob-pw');
});
afterAll(async () => {
  for (const m of machines) await m.dispose().catch(() => undefined);
  cluster?.destroy();
});

async function must<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A machine whose erasures go to `helpdesk` (the first machine's simulator; same seed, same data in its cache). */
async function machine(role: 'alice' | 'bob', helpdesk: ErasureHarness, autoStart?: boolean): Promise<ErasureHarness> {
  const h = await createErasureHarness({ baseUrl: helpdesk.sync.sim.url, ...(autoStart === false ? { autoStart } : {}) });
  machines.push(h);
  await must(
    h.sync.ctx.call('workspaces.update', {
      id: h.workspaceId,
      address: { baseUrl: helpdesk.sync.sim.url },
      apiToken: helpdesk.sync.sim.admin.token,
    }),
  );
  await must(h.sync.ctx.call('team.join', { databaseUrl: cluster.url(role, `${role}-pw`, database) }));
  return h;
}

const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> => {
  const c = new pg.Client({ connectionString: cluster.adminUrl(database) });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
};

const confirmOf = (plan: ErasurePlan, subject = SUBJECT) => ({
  subject,
  deleteTickets: plan.counts.tickets.delete,
  redactTickets: plan.counts.tickets.redact,
  mentionsReviewed: plan.counts.mentionsForReview,
});
const ws = (h: ErasureHarness) => ({ workspaceId: h.workspaceId });
/** Requests that change the helpdesk: custom object records are searched with POST, which reads. */
const destructive = (h: ErasureHarness) => h.requests.filter((r) => r.method !== 'GET' && !r.template.endsWith('/search')).length;

describe('erasure in team mode', () => {
  let a: ErasureHarness; // alice
  let b: ErasureHarness; // bob
  let plan: ErasurePlan;

  it('init moves the schema in; the rules are the team’s, shared by every machine', async () => {
    const owner = await createErasureHarness();
    machines.push(owner);
    await must(owner.sync.ctx.call('team.init', { databaseUrl: cluster.adminUrl(database) }));
    await cluster.admin('GRANT lethe_officer, lethe_approver TO alice, bob');
    a = await machine('alice', owner);
    b = await machine('bob', owner);
    const rules = await a.call<Record<string, unknown>>('erasure.getRules', ws(a));
    await a.call('erasure.setRules', { ...ws(a), rules: { ...rules, requireApproval: true } });
    expect(await b.call('erasure.getRules', ws(b))).toMatchObject({ requireApproval: true });
    expect((await sql(`SELECT updated_by FROM lethe.store_settings WHERE key = 'erasure.rules'`))[0]).toEqual({ updated_by: 'alice' });
  });

  it('identity-link decisions are the team’s: one officer confirms, the other sees and undoes it; the chain names both', async () => {
    const state = machines[0]!.sync.sim.state;
    const users = [...new Set([20, 21, 22, 23].map((t) => state.ticketView(t)?.rec.requester_id))].filter(
      (u): u is number => u !== undefined,
    );
    const [one, two] = users;
    if (one === undefined || two === undefined) throw new Error('two accounts needed');
    const linkOn = (h: ErasureHarness) => ({ workspaceId: h.workspaceId, ref: `subj_${one}`, userId: two });
    const linked = await must(a.sync.ctx.call('subjects.link', { ...linkOn(a), reason: 'Confirmed by the requester', by: 'Typed Name' }));
    expect(linked.accounts.map((x) => x.userId)).toEqual([one, two]);
    expect(await sql('SELECT user_id::float8 AS lo, linked_user_id::float8 AS hi, decision, decided_by FROM lethe.identity_links')).toEqual(
      [{ lo: Math.min(one, two), hi: Math.max(one, two), decision: 'confirmed', decided_by: 'alice' }],
    );
    // bob's machine never decided anything: it reads the team's decision.
    const seen = await must(b.sync.ctx.call('subjects.links', { workspaceId: b.workspaceId, ref: `subj_${one}` }));
    expect(seen.accounts.map((x) => x.userId)).toEqual([one, two]);
    // ...and so does bob's subject-first look: the person it fetches includes the confirmed account.
    const email = state.userView(one)?.rec.email;
    if (!email) throw new Error('an account with an e-mail needed');
    const look = await must(b.sync.ctx.call('sync.subjectFirst', { workspaceId: b.workspaceId, email }));
    expect(look.userIds).toContain(two);
    const undone = await must(b.sync.ctx.call('subjects.unlink', linkOn(b)));
    expect(undone.accounts.map((x) => x.userId)).toEqual([one]);
    // Undone for the team, the look no longer takes the other account in.
    expect((await must(b.sync.ctx.call('sync.subjectFirst', { workspaceId: b.workspaceId, email }))).userIds).not.toContain(two);
    expect(await sql('SELECT count(*)::int AS n FROM lethe.identity_links')).toEqual([{ n: 0 }]);
    expect((await must(a.sync.ctx.call('subjects.links', { workspaceId: a.workspaceId, ref: `subj_${one}` }))).accounts).toHaveLength(1);
    expect(await sql(`SELECT actor, action FROM lethe.audit_log WHERE action LIKE 'subjects.link_%' ORDER BY seq`)).toEqual([
      { actor: 'alice', action: 'subjects.link_confirmed' },
      { actor: 'bob', action: 'subjects.link_undone' },
    ]);
  });

  it('a plan is the team’s: prepared by the role, seen on the other machine; the preparer’s approval is refused by the database', async () => {
    plan = await a.call<ErasurePlan>('erasure.plan', { ...ws(a), subject: SUBJECT, preparedBy: 'Someone Else' });
    // The typed name does not count in team mode: the role does.
    expect(plan.preparedBy).toBe('alice');
    expect(await sql('SELECT id, prepared_by, state FROM lethe.runs WHERE id = $1', [plan.id])).toEqual([
      { id: plan.id, prepared_by: 'alice', state: 'draft' },
    ]);
    expect(await b.call<ErasurePlan>('erasure.getPlan', { ...ws(b), planId: plan.id })).toMatchObject({ id: plan.id, preparedBy: 'alice' });

    // alice holds lethe_approver too: it is the database's trigger that says no, not a missing grant.
    const own = await a.callResult('erasure.approve', { ...ws(a), planId: plan.id, approver: 'Bob Typed' });
    expect(own).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/second-person approval/) } });
    expect(await sql('SELECT count(*)::int AS n FROM lethe.plan_approvals')).toEqual([{ n: 0 }]);

    const approved = await b.call<ErasurePlan>('erasure.approve', { ...ws(b), planId: plan.id, approver: 'whatever' });
    expect(approved.approval).toMatchObject({ approver: 'bob', fingerprint: plan.fingerprint });
    expect(await sql('SELECT approved_by FROM lethe.plan_approvals')).toEqual([{ approved_by: 'bob' }]);
    // alice's machine sees bob's approval.
    expect((await a.call<ErasurePlan>('erasure.getPlan', { ...ws(a), planId: plan.id })).approval).toMatchObject({ approver: 'bob' });
  });

  it('two officers executing the same plan at once: one runs it, the other is refused; every operation sent once', async () => {
    const onA = await a.call<ErasurePlan>('erasure.revalidate', { ...ws(a), planId: plan.id });
    const onB = await b.call<ErasurePlan>('erasure.revalidate', { ...ws(b), planId: plan.id });
    expect(onA.approval?.approver).toBe('bob');
    const before = { a: destructive(a), b: destructive(b) };
    const [ra, rb] = await Promise.all([
      a.callResult('erasure.execute', { ...ws(a), planId: plan.id, confirm: confirmOf(onA) }),
      b.callResult('erasure.execute', { ...ws(b), planId: plan.id, confirm: confirmOf(onB) }),
    ]);
    const results = [ra, rb];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const winner = ra.ok ? a : b;
    const loser = ra.ok ? b : a;
    const winnerRole = ra.ok ? 'alice' : 'bob';
    expect(refused?.ok === false && refused.error.message).toMatch(new RegExp(`${winnerRole}|started`));
    await winner.service.wait(plan.id);
    expect(destructive(loser)).toBe(before[loser === a ? 'a' : 'b']);
    expect(destructive(winner)).toBeGreaterThan(before[winner === a ? 'a' : 'b']);

    // The team's journal is what ran: the other machine reads it finished, with what was sent.
    const seen = await loser.call<RunStatus>('erasure.status', { ...ws(loser), runId: plan.id });
    const ran = await winner.call<RunStatus>('erasure.status', { ...ws(winner), runId: plan.id });
    expect(ran.state, JSON.stringify(ran.failures)).toBe('completed');
    expect(seen).toMatchObject({ state: 'completed', phase: 'done', operations: ran.operations });
    const rows = await sql<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM lethe.operations WHERE run_id = $1 GROUP BY state',
      [plan.id],
    );
    expect(rows).toEqual([{ state: 'done', n: ran.operations.done }]);
    const sent = await sql<{ n: number; by: string }>(
      `SELECT count(*)::int AS n, min(by_role) AS by FROM lethe.transitions WHERE run_id = $1 AND to_state = 'sent'`,
      [plan.id],
    );
    expect(sent[0]).toEqual({ n: ran.operations.done, by: winnerRole });
    // The run is over: the subject's address left the shared document too.
    const doc = (await sql<{ document: string }>('SELECT document FROM lethe.runs WHERE id = $1', [plan.id]))[0]?.document ?? '';
    expect(doc).not.toContain(SUBJECT);

    // Reading Zendesk's status again writes the run and its receipt, which is on the runner's
    // machine: the other officer is refused before any request goes out, and nothing changes.
    const loserRequests = loser.requests.length;
    const again = await loser.callResult('erasure.checkZendeskDeletion', { ...ws(loser), runId: plan.id });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining(`${winnerRole} ran this erasure`) },
    });
    expect(loser.requests.length).toBe(loserRequests);
    const shared = async () =>
      JSON.parse((await sql<{ document: string }>('SELECT document FROM lethe.runs WHERE id = $1', [plan.id]))[0]?.document ?? '{}') as {
        zendeskDeletion?: { polls: number };
      };
    const polls = (await shared()).zendeskDeletion?.polls ?? 0;
    const rechecked = await winner.call<RunStatus>('erasure.checkZendeskDeletion', { ...ws(winner), runId: plan.id });
    expect(rechecked.zendeskDeletion?.polls).toBe(polls + 1);
    // The runner's new reading is the team's: the other machine sees it.
    expect((await shared()).zendeskDeletion?.polls).toBe(polls + 1);
    expect((await loser.call<RunStatus>('erasure.status', { ...ws(loser), runId: plan.id })).zendeskDeletion?.polls).toBe(polls + 1);
  });

  it('a run is resumed by the role holding it on another machine; another officer is refused', async () => {
    const c = await machine('alice', machines[0]!, false);
    // A subject this team has not erased yet whose plan deletes something.
    let second: ErasurePlan | undefined;
    let other = '';
    const state = machines[0]!.sync.sim.state;
    for (let t = 2; t < 80 && !second; t += 1) {
      const requester = state.ticketView(t)?.rec.requester_id;
      const email = requester === undefined ? null : state.userView(requester)?.rec.email;
      if (!email || email === SUBJECT) continue;
      const candidate = await c.callResult('erasure.plan', { ...ws(c), subject: email });
      if (candidate.ok && (candidate.value as ErasurePlan).counts.tickets.delete > 0) {
        second = candidate.value as ErasurePlan;
        other = email;
      }
    }
    if (!second) throw new Error('no subject to erase');
    // Checked against the live helpdesk first (the first erasure changed it), then approved as it is.
    await c.call<ErasurePlan>('erasure.revalidate', { ...ws(c), planId: second.id });
    await b.call('erasure.approve', { ...ws(b), planId: second.id, approver: 'x' });
    const checked = await c.call<ErasurePlan>('erasure.getPlan', { ...ws(c), planId: second.id });
    expect(checked.approval?.approver).toBe('bob');
    const before = destructive(c);
    await c.call('erasure.execute', { ...ws(c), planId: second.id, confirm: confirmOf(checked, other) });
    // Claimed and journalled, nothing sent from this machine (it does not start runs itself).
    expect(destructive(c)).toBe(before);
    const planned = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM lethe.operations WHERE run_id = $1 AND state = 'planned'`, [
      second.id,
    ]);
    expect(planned[0]?.n).toBeGreaterThan(0);

    const byBob = await b.callResult('erasure.resume', { ...ws(b), runId: second.id });
    expect(byBob).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/alice/) } });

    // alice on her other machine, which never saw this plan: it reads the team's journal and runs it.
    await a.call('erasure.resume', { ...ws(a), runId: second.id });
    await a.service.wait(second.id);
    const done = await c.call<RunStatus>('erasure.status', { ...ws(c), runId: second.id });
    expect(done.state, JSON.stringify(done.failures)).toBe('completed');
    expect(destructive(c)).toBe(before);
  });

  it('the audit chain names the roles and verifies', async () => {
    const v = await must(b.sync.ctx.call('audit.verify', ws(b)));
    expect(v.ok).toBe(true);
    const entries = await sql<{ actor: string; action: string }>(
      `SELECT actor, action FROM lethe.audit_log WHERE action IN ('erasure.planned', 'erasure.approved') ORDER BY seq`,
    );
    // Plans were made by alice (the second subject took a few tries), approvals by bob; nobody typed a name.
    expect(new Set(entries.filter((e) => e.action === 'erasure.planned').map((e) => e.actor))).toEqual(new Set(['alice']));
    expect(entries.filter((e) => e.action === 'erasure.approved').map((e) => e.actor)).toEqual(['bob', 'bob']);
  });

  it('a rectified address stays the person’s for the whole team: kept in the team database, named by the role', async () => {
    const state = machines[0]!.sync.sim.state;
    // A requester still in the helpdesk (the erased ones are gone).
    let requester: number | undefined;
    let old: string | null | undefined;
    for (let t = 40; t > 1 && !old; t -= 1) {
      requester = state.ticketView(t)?.rec.requester_id;
      old = requester === undefined ? null : state.userView(requester)?.rec.email;
    }
    if (requester === undefined || !old) throw new Error('a requester with an address is needed');
    const ref = `subj_${requester}`;
    const rectified = await must(
      a.sync.ctx.call('actions.rectify', { workspaceId: a.workspaceId, subjectRef: ref, fields: {}, newEmail: 'moved.on@example.org' }),
    );
    expect(rectified.action.state).toBe('done');
    expect(await sql('SELECT user_id::float8 AS id, type, value, replaced_by FROM lethe.former_identities')).toEqual([
      { id: requester, type: 'email', value: old, replaced_by: 'alice' },
    ]);
    // Neither machine's local register holds it: both read the team's copy.
    const dossier = await must(a.sync.ctx.call('subjects.show', { workspaceId: a.workspaceId, ref }));
    expect(dossier.formerIdentities.map((f) => [f.value, f.why])).toEqual([[old, expect.stringMatching(/by alice$/)]]);
    const plan = await b.call<ErasurePlan>('erasure.plan', { ...ws(b), subject: old });
    expect(plan.subject.userIds).toEqual([requester]);
  });

  it('a rectified number stays the person’s for the whole team; another machine’s plan keeps its next holder out', async () => {
    const { sim } = machines[0]!.sync;
    const state = sim.state;
    const live = (id: number | undefined) =>
      id === undefined ? undefined : state.userView(id)?.status === 'active' ? state.userView(id) : undefined;
    // Two active requesters of open tickets: the person (a number nobody else has) and the next holder of it.
    const people: Array<{ id: number; ticket: number }> = [];
    for (let t = 60; t > 1 && people.length < 2; t -= 1) {
      const rec = state.ticketView(t)?.rec;
      const user = live(rec?.requester_id);
      if (!rec || !user || rec.status === 'closed' || user.rec.role !== 'end-user' || people.some((p) => p.id === user.rec.id)) continue;
      const phone = user.rec.identities.find((i) => i.type === 'phone_number');
      if (people.length === 0 && (!phone || state.usersWithIdentity(phone.value).length !== 1)) continue;
      people.push({ id: user.rec.id, ticket: t });
    }
    const [person, holder] = people;
    if (!person || !holder) throw new Error('two requesters are needed');
    const phone = state.userView(person.id)!.rec.identities.find((i) => i.type === 'phone_number')!;
    const helpdesk = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${sim.url}${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${sim.admin.email}/token:${sim.admin.token}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        ...(body === null ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    };

    const ref = `subj_${person.id}`;
    const rectified = await must(
      a.sync.ctx.call('actions.rectify', { workspaceId: a.workspaceId, subjectRef: ref, fields: { phone: '+44 20 7946 0888' } }),
    );
    expect(rectified.action.state).toBe('done');
    expect(await sql(`SELECT user_id::float8 AS id, value, replaced_by FROM lethe.former_identities WHERE type = 'phone_number'`)).toEqual([
      { id: person.id, value: phone.value, replaced_by: 'alice' },
    ]);
    // The helpdesk drops the number from the person and hands it on; the holder writes it in their own ticket.
    await helpdesk('DELETE', `/api/v2/users/${person.id}/identities/${phone.id}.json`, null);
    await helpdesk('POST', `/api/v2/users/${holder.id}/identities.json`, { identity: { type: 'phone_number', value: phone.value } });
    sim.advanceClock(5);
    await helpdesk('PUT', `/api/v2/tickets/${holder.ticket}.json`, {
      ticket: { comment: { body: `Call me on ${phone.value}`, author_id: holder.id, public: true } },
    });
    for (const id of [person.id, holder.id]) await must(b.sync.ctx.call('sync.refreshSubject', { workspaceId: b.workspaceId, userId: id }));

    // bob's machine never saw the rectification: it reads the team's record.
    const dossier = await must(b.sync.ctx.call('subjects.show', { workspaceId: b.workspaceId, ref }));
    expect(dossier.accounts.map((x) => x.userId)).toEqual([person.id]);
    expect(dossier.formerIdentities.filter((f) => f.type === 'phone_number').map((f) => [f.value, f.why])).toEqual([
      [phone.value, expect.stringMatching(new RegExp(`by alice; now held by another account \\(${holder.id}\\)`))],
    ]);
    expect(dossier.mentions.map((m) => m.ticketId)).not.toContain(holder.ticket);
    const plan = await b.call<ErasurePlan>('erasure.plan', { ...ws(b), subject: ref });
    expect(plan.subject.userIds).toEqual([person.id]);
    expect(plan.tickets.map((t) => t.ticketId)).not.toContain(holder.ticket);
    expect(plan.subject.phones.map((p) => p.replace(/\D/g, ''))).not.toContain(phone.value.replace(/\D/g, ''));
  });
});
