import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTeamPool, parseDatabaseUrl, type TeamPool } from '../../src/main/core/team/connection';
import { migrateTeamSchema } from '../../src/main/core/team/migrate';
import { listTeamAudit, verifyTeamAudit } from '../../src/main/core/team/team-audit';
import { TeamPlans } from '../../src/main/core/team/team-plans';
import { startPostgres, type PgCluster } from '../support/postgres';

// Plans, approvals and the journal in the team database: what two officers cannot do, the
// database refuses.

let cluster: PgCluster;
let owner: TeamPool;
const pools: TeamPool[] = [];
const key = randomBytes(32);
const plansOf: Record<string, TeamPlans> = {};

function pool(url: string): TeamPool {
  const { target, password } = parseDatabaseUrl(url);
  const p = openTeamPool(target, password);
  pools.push(p);
  return p;
}

beforeAll(async () => {
  cluster = await startPostgres();
  const db = await cluster.createDatabase('plans');
  owner = pool(cluster.adminUrl(db));
  await migrateTeamSchema(owner);
  // Ada and Bob prepare and run; Bob and Cyd approve: Bob has both roles.
  await cluster.createLogin('ada', 'ada-pw', ['lethe_officer']);
  await cluster.createLogin('bob', 'bob-pw', ['lethe_officer', 'lethe_approver']);
  await cluster.createLogin('cyd', 'cyd-pw', ['lethe_approver']);
  for (const name of ['ada', 'bob', 'cyd']) plansOf[name] = new TeamPlans(pool(cluster.url(name, `${name}-pw`, db)), key);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  cluster?.destroy();
});

const ops = [
  { ref: 'a', stage: 1, kind: 'redact_comment', targets: [1] },
  { ref: 'b', stage: 2, kind: 'delete_ticket', targets: [1], dependsOn: ['a'] },
];

describe('erasure plans in team mode', () => {
  it('the preparer cannot approve, even holding the approver role; another approver can, and it is in the chain', async () => {
    const { ada, bob, cyd } = plansOf as Record<'ada' | 'bob' | 'cyd', TeamPlans>;
    const byBob = await bob.prepare({ kind: 'erasure', document: { subject: 'ref' }, operations: ops });
    expect(byBob).toMatchObject({ preparedBy: 'bob', approval: null });
    await expect(bob.approve(byBob.id, 'f1')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/bob prepared this plan/),
    });
    // An officer without the approver role is refused by privilege.
    await expect(ada.approve(byBob.id, 'f1')).rejects.toMatchObject({ code: 'forbidden' });
    expect(await cyd.approve(byBob.id, 'f1')).toMatchObject({ approval: { approvedBy: 'cyd', fingerprint: 'f1' } });
    const chain = await listTeamAudit(owner, { action: 'erasure.approved' });
    expect(chain.entries.map((e) => [e.actor, e.data.runId])).toEqual([['cyd', byBob.id]]);
  });

  it('two officers never run the same plan: one claim wins, the other is told who holds it', async () => {
    const { ada, bob, cyd } = plansOf as Record<'ada' | 'bob' | 'cyd', TeamPlans>;
    const plan = await ada.prepare({ kind: 'erasure', document: {}, operations: ops });
    await expect(ada.claim(plan.id)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/not approved/) });
    await cyd.approve(plan.id, 'f2');
    const results = await Promise.allSettled([ada.claim(plan.id), bob.claim(plan.id)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const holder = (await ada.get(plan.id)).claimedBy;
    expect(lost[0]?.reason).toMatchObject({ code: 'conflict', details: { claimedBy: holder } });

    const mine = holder === 'ada' ? ada : bob;
    const other = holder === 'ada' ? bob : ada;
    const [first, second] = await mine.operations(plan.id);
    await expect(other.transition(plan.id, [first?.id ?? ''], 'sent')).rejects.toMatchObject({ code: 'conflict' });
    await mine.transition(plan.id, [first?.id ?? ''], 'sent');
    await mine.transition(plan.id, [first?.id ?? ''], 'done');
    await expect(mine.transition(plan.id, [first?.id ?? ''], 'sent')).rejects.toMatchObject({ code: 'conflict' });
    expect((await other.operations(plan.id)).map((o) => o.state)).toEqual(['done', 'planned']);
    expect(second?.kind).toBe('delete_ticket');
    expect((await verifyTeamAudit(owner)).result.ok).toBe(true);
  });
});
