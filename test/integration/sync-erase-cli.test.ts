import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';
import { isWrite } from '../support/writes';

const run = promisify(execFile);
let dataDir: string;
let service: string;
let sim: Simulator;
let workspaceId: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function lethe(args: string[], input?: string): Promise<CliResult> {
  const env = { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: service };
  try {
    const child = run(process.execPath, ['bin/lethe.mjs', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    child.child.stdin?.end(input ?? '');
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface PlanJson {
  id: string;
  subject: { email: string };
  accounts: Array<{ userId: number; decision: string }>;
  tickets: Array<{ ticketId?: number; id?: number; decision: string }>;
  counts: { tickets: Record<string, number>; accounts: Record<string, number>; mentionsForReview: number };
  mentions: Array<{ ticketId: number; ticketTitle: string; excerpt: string; decision: string }>;
}

beforeAll(async () => {
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npx electron-vite build (npm test does it)');
  dataDir = await mkdtemp(join(tmpdir(), 'lethe-erase-cli-'));
  service = `lethe-erase-cli-${process.pid}-${Date.now()}`;
  sim = await startSimulator({ size: 'tiny', seed: 23, noLimits: true, jobDelayMs: 20 });
  const added = await lethe(
    ['workspaces', 'add', '--name', 'Sim', '--url', sim.url, '--email', sim.admin.email, '--token-stdin', '--json'],
    sim.admin.token,
  );
  expect(added.code, added.stderr).toBe(0);
  workspaceId = (JSON.parse(added.stdout) as { id: string }).id;
}, 120_000);

afterAll(async () => {
  if (workspaceId) await lethe(['workspaces', 'remove', workspaceId]);
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('lethe sync and lethe erase (built binary against the simulator)', () => {
  it('syncs with --json into a document that counts what the cache holds', async () => {
    const synced = await lethe(['sync', '--json']);
    expect(synced.code, synced.stderr).toBe(0);
    const doc = JSON.parse(synced.stdout) as Record<string, unknown>;
    const text = JSON.stringify(doc);
    expect(text).toContain('tickets');
    expect(text).toContain('users');
    // No progress bar or colour codes when stdout is not a terminal.
    expect(synced.stdout.includes(String.fromCharCode(27))).toBe(false);
    const again = await lethe(['sync', '--json', '--workspace', 'ws_doesnotexist']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error [not_found]');
  }, 120_000);

  it('plans an erasure, refuses a bad plan file without touching the helpdesk, and runs a good one', async () => {
    const requestsBefore = sim.state.requestLog.length;
    await writeFile(join(dataDir, 'bad-plan.json'), '{"id":"not a plan"}');
    const bad = await lethe(['erase', 'run', '--plan', join(dataDir, 'bad-plan.json')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('error [invalid_input]');
    expect(sim.state.requestLog.slice(requestsBefore).filter(isWrite)).toEqual([]);

    const unknown = await lethe(['erase', 'plan', '--subject', 'nobody@nowhere.example', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error \[\w+\]/m);

    // A subject whose plan has nothing blocked, so the run can complete on its own.
    const ds = sim.dataset;
    let chosen: { email: string; planFile: string; plan: PlanJson } | null = null;
    for (let i = 0; i < ds.userCount && chosen === null; i++) {
      const email = ds.primaryEmail(i);
      if (ds.isAgentIndex(i) || email === null || sim.groundTruth(ds.userId(i)).tickets.length === 0) continue;
      const planFile = join(dataDir, `plan-${i}.json`);
      const planned = await lethe(['erase', 'plan', '--subject', email, '--out', planFile, '--json']);
      expect(planned.code, planned.stderr).toBe(0);
      const plan = JSON.parse(planned.stdout) as PlanJson;
      if ((plan.counts.accounts.blocked ?? 0) === 0 && (plan.counts.tickets.blocked ?? 0) === 0 && (plan.counts.tickets.delete ?? 0) > 0) {
        chosen = { email, planFile, plan };
      }
    }
    expect(chosen, 'a tiny-dataset subject with nothing blocked').not.toBeNull();
    const { planFile, plan } = chosen!;
    expect(JSON.parse(await readFile(planFile, 'utf8'))).toMatchObject({ id: plan.id });

    const ran = await lethe(['erase', 'run', '--plan', planFile, '--accept-differences', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const status = JSON.parse(ran.stdout) as {
      runId: string;
      state: string;
      verification: unknown;
      zendeskDeletion: { complete: string[] };
    };
    expect(status.state).toBe('completed');
    // The run waited for Zendesk's Support to report the deletion complete (#12 surface 9).
    expect(status.zendeskDeletion.complete).toContain('support');
    sim.advanceClock(5 * 3600);
    const later = await lethe(['erase', 'zendesk-status', '--run', status.runId]);
    expect(later.code, later.stdout + later.stderr).toBe(1); // Explore is still pending
    expect(later.stdout).toContain('Zendesk reports deletion complete in: chat, guide, support, talk; still pending in: explore');
    sim.advanceClock(24 * 3600);
    const done = await lethe(['erase', 'zendesk-status', '--run', status.runId]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Zendesk reports deletion complete in: chat, explore, guide, support, talk (as of');
    for (const account of plan.accounts.filter((a) => a.decision === 'delete')) {
      expect(sim.state.userView(account.userId)?.status ?? 'purged').toBe('purged');
    }

    const again = await lethe(['erase', 'run', '--plan', planFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error [conflict]');
    const resumed = await lethe(['erase', 'resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
  }, 240_000);

  it('refuses to run a plan with mentions left for review until --mentions-reviewed acknowledges them, listing each with its ticket (#19 item 6)', async () => {
    const ds = sim.dataset;
    let chosen: { planFile: string; plan: PlanJson } | null = null;
    for (let i = ds.userCount - 1; i >= 0 && chosen === null; i--) {
      const email = ds.primaryEmail(i);
      if (ds.isAgentIndex(i) || email === null) continue;
      const truth = sim.groundTruth(ds.userId(i));
      const own = new Set(truth.tickets.map((t) => t.ticketId));
      if (truth.tickets.length === 0 || !truth.mentions.some((m) => !own.has(m.ticketId))) continue;
      const planFile = join(dataDir, `review-${i}.json`);
      const planned = await lethe(['erase', 'plan', '--subject', email, '--out', planFile, '--json']);
      expect(planned.code, planned.stderr).toBe(0);
      const plan = JSON.parse(planned.stdout) as PlanJson;
      if (plan.counts.mentionsForReview > 0 && (plan.counts.accounts.blocked ?? 0) === 0) chosen = { planFile, plan };
    }
    expect(chosen, 'a tiny-dataset subject with a mention left for review').not.toBeNull();
    const { planFile, plan } = chosen!;
    const n = plan.counts.mentionsForReview;
    const review = plan.mentions.filter((m) => m.decision === 'review');
    const sent = sim.state.requestLog.length;
    // The runs the audit log has recorded so far: a refusal must add none.
    const executedRuns = async (): Promise<number> => {
      const exported = await lethe(['audit', 'export', '--format', 'json']);
      expect(exported.code, exported.stderr).toBe(0);
      return (exported.stdout.match(/erasure\.executed/g) ?? []).length;
    };
    const runsBefore = await executedRuns();

    const refused = await lethe(['erase', 'run', '--plan', planFile, '--accept-differences']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error [mentions_unreviewed]');
    expect(refused.stderr).toContain(`run again with --mentions-reviewed ${n}`);
    for (const m of review) {
      expect(refused.stderr).toContain(m.ticketTitle);
      expect(refused.stderr).toContain(m.excerpt);
    }
    const wrong = await lethe(['erase', 'run', '--plan', planFile, '--accept-differences', '--mentions-reviewed', String(n + 1)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`(you gave ${n + 1})`);
    const typo = await lethe(['erase', 'run', '--plan', planFile, '--mentions-reviewed', 'all']);
    expect(typo.code).toBe(2);
    expect(sim.state.requestLog.slice(sent).filter(isWrite)).toEqual([]);
    expect(await executedRuns()).toBe(runsBefore);
    // --json gives the same refusal, with its code, to a script.
    const scripted = await lethe(['erase', 'run', '--plan', planFile, '--accept-differences', '--json']);
    expect(scripted.code).toBe(1);
    expect(scripted.stderr).toContain('mentions_unreviewed');
    expect(sim.state.requestLog.slice(sent).filter(isWrite)).toEqual([]);

    const ran = await lethe(['erase', 'run', '--plan', planFile, '--accept-differences', '--mentions-reviewed', String(n), '--json']);
    expect(ran.stderr).not.toContain('mentions_unreviewed');
    expect((JSON.parse(ran.stdout) as { state: string }).state).not.toBe('draft');
    expect(sim.state.requestLog.slice(sent).filter(isWrite).length).toBeGreaterThan(0);
    expect(await executedRuns()).toBeGreaterThan(runsBefore);
  }, 240_000);
});
