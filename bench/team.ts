/**
 * Team mode under load: N officers (each their own PostgreSQL role and connection) appending to
 * one register and one audit chain for a while, every write a request change and its audit entry
 * in one transaction (creates, then edits at the version just read). Reported:
 * - writes/s over the run, p50 and p95 latency per write (ms);
 * - the chain verified at the end, and every write present in it (entries = writes, each
 *   officer's entries under their own role);
 * - beside it, from the same run and for the same time, one user writing the local encrypted
 *   SQLite register through the router (the single-user default).
 * The cluster is a throw-away one (test/support/postgres.ts) with fsync off, like the tests: the
 * figures are about serialisation through the chain's lock, not about a disk.
 *
 *   npm run bench -- team [seconds=60] [writers=4]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { registerRouter } from '../src/main/core/requests/testing/register-router';
import { openTeamPool, parseDatabaseUrl, type TeamPool } from '../src/main/core/team/connection';
import { migrateTeamSchema } from '../src/main/core/team/migrate';
import { listTeamAudit, verifyTeamAudit } from '../src/main/core/team/team-audit';
import { TeamRegister } from '../src/main/core/team/team-register';
import { createTestCore } from '../test/support/core';
import { startPostgres } from '../test/support/postgres';

const seconds = Number(process.argv[2] ?? 60);
const writers = Number(process.argv[3] ?? 4);
const emit = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

const newRequest = (n: number) => ({
  type: 'access' as const,
  regulation: 'GDPR' as const,
  channel: 'email' as const,
  receivedAt: '2025-03-01T09:00:00Z',
  timeZone: 'Europe/Berlin',
  requester: { name: `Bench Person ${n}`, email: `bench${n}@example.test` },
});

/** Runs `write` in a loop until the deadline; returns each write's latency. */
async function loop(deadline: number, write: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; performance.now() < deadline; i += 1) {
    const start = performance.now();
    await write(i);
    latencies.push(performance.now() - start);
  }
  return latencies;
}

const cluster = await startPostgres();
const pools: TeamPool[] = [];
try {
  const database = await cluster.createDatabase('bench');
  const ownerUrl = parseDatabaseUrl(cluster.adminUrl(database));
  const owner = openTeamPool(ownerUrl.target, ownerUrl.password);
  pools.push(owner);
  await migrateTeamSchema(owner);
  const key = randomBytes(32);
  const officers: Array<{ role: string; register: TeamRegister }> = [];
  for (let w = 0; w < writers; w += 1) {
    const role = `officer_${w}`;
    await cluster.createLogin(role, `pw-${w}`, ['lethe_officer']);
    const { target, password } = parseDatabaseUrl(cluster.url(role, `pw-${w}`, database));
    const pool = openTeamPool(target, password);
    pools.push(pool);
    officers.push({ role, register: new TeamRegister(pool, key) });
  }

  // Team: every officer creates a request, then edits it at the version it read, and again.
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const perOfficer = await Promise.all(
    officers.map(({ register }, w) => {
      let current: { id: string; version: number } | null = null;
      return loop(deadline, async (i) => {
        if (current === null || i % 3 === 0) {
          const created = await register.create(newRequest(w * 1_000_000 + i));
          current = { id: created.id, version: created.version };
        } else {
          const changed = await register.update(current.id, current.version, { notes: `edit ${i}` });
          current = { id: changed.id, version: changed.version };
        }
      });
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const latencies = perOfficer.flat().sort((a, b) => a - b);
  const verification = await verifyTeamAudit(owner);
  const byRole = new Map<string, number>();
  for (const e of (await listTeamAudit(owner, { limit: 1_000_000 })).entries) byRole.set(e.actor, (byRole.get(e.actor) ?? 0) + 1);
  const everyWritePresent =
    verification.total === latencies.length && officers.every((o, w) => byRole.get(o.role) === perOfficer[w]?.length);
  const team = {
    step: 'team_postgres',
    writers,
    seconds: round(elapsed, 1),
    writes: latencies.length,
    writes_per_s: round(latencies.length / elapsed, 1),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    chain_ok: verification.result.ok,
    chain_entries: verification.total,
    every_write_present: everyWritePresent,
  };
  emit(team);

  // Single user, local encrypted SQLite, same mix, same time, through the router.
  const ctx = await createTestCore();
  try {
    const created = await ctx.call('workspaces.create', {
      name: 'Bench',
      address: { subdomain: 'bench' },
      email: 'dpo@bench.example',
      apiToken: 'abcdefgh12345678',
    });
    if (!created.ok) throw new Error(created.error.message);
    const reg = registerRouter(ctx.core.services);
    let id = '';
    const localStart = performance.now();
    const local = (
      await loop(localStart + seconds * 1000, async (i) => {
        if (id === '' || i % 3 === 0) {
          const r = newRequest(i);
          id = (
            await reg.must('requests.create', {
              type: r.type,
              regulation: r.regulation,
              channel: r.channel,
              receivedAt: r.receivedAt,
              requester: r.requester,
            })
          ).id;
        } else {
          await reg.must('requests.update', { id, notes: `edit ${i}` });
        }
      })
    ).sort((a, b) => a - b);
    const localElapsed = (performance.now() - localStart) / 1000;
    const localVerify = await reg.must('audit.verify', {});
    const sqlite = {
      step: 'single_user_sqlite',
      writers: 1,
      seconds: round(localElapsed, 1),
      writes: local.length,
      writes_per_s: round(local.length / localElapsed, 1),
      p50_ms: round(percentile(local, 50)),
      p95_ms: round(percentile(local, 95)),
      chain_ok: localVerify.ok,
      chain_entries: localVerify.total,
      every_write_present: localVerify.total === local.length,
    };
    emit(sqlite);
    emit({
      bench: 'team',
      writers,
      seconds,
      team_writes_per_s: team.writes_per_s,
      team_p95_ms: team.p95_ms,
      team_chain_ok: team.chain_ok,
      team_every_write_present: team.every_write_present,
      sqlite_writes_per_s: sqlite.writes_per_s,
      sqlite_p95_ms: sqlite.p95_ms,
      sqlite_chain_ok: sqlite.chain_ok,
      team_over_sqlite_throughput: round(team.writes_per_s / sqlite.writes_per_s, 3),
    });
  } finally {
    await ctx.dispose();
  }
} finally {
  await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  cluster.destroy();
}
