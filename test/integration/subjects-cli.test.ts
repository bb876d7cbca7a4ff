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
const BIN = 'bin/lethe.mjs';

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
    const child = run(process.execPath, [BIN, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    child.child.stdin?.end(input ?? '');
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ds = () => sim.dataset;

beforeAll(async () => {
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npx electron-vite build (npm test does it)');
  dataDir = await mkdtemp(join(tmpdir(), 'lethe-subjects-cli-'));
  service = `lethe-subjects-cli-${process.pid}-${Date.now()}`;
  sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true, exportLimitPerMinute: 100_000 });
  const added = await lethe(
    ['workspaces', 'add', '--name', 'Sim', '--url', sim.url, '--email', sim.admin.email, '--token-stdin', '--json'],
    sim.admin.token,
  );
  expect(added.code, added.stderr).toBe(0);
  workspaceId = (JSON.parse(added.stdout) as { id: string }).id;
  const synced = await lethe(['sync', '--json']);
  expect(synced.code, synced.stderr).toBe(0);
  await writeFile(
    join(dataDir, 'sheet.json'),
    JSON.stringify({
      purposes: 'Support.',
      categories: 'Contact details.',
      recipients: 'Processor.',
      retention: 'Three years.',
      rights: 'All of them.',
      complaint: 'Authority.',
      source: 'You.',
      automatedDecisions: 'None.',
    }),
  );
}, 180_000);

afterAll(async () => {
  if (workspaceId) await lethe(['workspaces', 'remove', workspaceId]);
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function someEndUser(): number {
  for (let i = 0; i < ds().userCount; i++) {
    if (!ds().isAgentIndex(i) && ds().primaryEmail(i) !== null && sim.groundTruth(ds().userId(i)).tickets.length > 0) return i;
  }
  throw new Error('no end user with tickets');
}

describe('lethe subjects and lethe archive (built binary)', () => {
  it('subjects search finds by email, prints one JSON document with the reason, and a table otherwise', async () => {
    const i = someEndUser();
    const email = ds().primaryEmail(i)!;
    const json = await lethe(['subjects', 'search', email, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { results: Array<{ userId: number; reasons: Array<{ field: string; match: string }> }> };
    expect(parsed.results[0]?.userId).toBe(ds().userId(i));
    expect(parsed.results[0]?.reasons[0]).toMatchObject({ field: 'email', match: 'exact' });
    const table = await lethe(['subjects', 'search', email]);
    expect(table.stdout).toContain(`subj_${ds().userId(i)}`);
    expect(table.stdout).toContain('MATCHED');
  });

  it('subjects show gives the dossier by email or by reference; unknown people exit 1 with the code', async () => {
    const i = someEndUser();
    const byEmail = await lethe(['subjects', 'show', ds().primaryEmail(i)!, '--json']);
    expect(byEmail.code, byEmail.stderr).toBe(0);
    const dossier = JSON.parse(byEmail.stdout) as {
      ref: string;
      tickets: Array<{ id: number }>;
      comments: unknown[];
      attachments: unknown[];
      mentions: unknown[];
      summary: { tickets: number; comments: number; attachments: number; mentions: number };
    };
    expect(dossier.ref).toBe(`subj_${ds().userId(i)}`);
    // The operation answers a page per list; --json gathers every page.
    for (const list of ['tickets', 'comments', 'attachments', 'mentions'] as const)
      expect(dossier[list].length, list).toBe(dossier.summary[list]);
    expect(new Set(dossier.tickets.map((t) => t.id))).toEqual(new Set(sim.groundTruth(ds().userId(i)).tickets.map((t) => t.ticketId)));
    const byRef = await lethe(['subjects', 'show', dossier.ref]);
    expect(byRef.stdout).toContain('Tickets');
    const unknown = await lethe(['subjects', 'show', 'nobody@nowhere.example']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error \[not_found\]/);
  });

  it('archive export writes the file at --out with its SHA-256, and archive verify accepts it and refuses a damaged copy', async () => {
    const i = someEndUser();
    const out = join(dataDir, 'access.zip');
    const refused = await lethe(['archive', 'export', '--subject', ds().primaryEmail(i)!, '--kind', 'access', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error [conflict]');

    const sheet = JSON.parse(await readFile(join(dataDir, 'sheet.json'), 'utf8')) as Record<string, string>;
    const config = JSON.parse(await readFile(join(dataDir, 'lethe.json'), 'utf8')) as {
      settings: { informationSheet: Record<string, string> };
    };
    config.settings.informationSheet = sheet;
    await writeFile(join(dataDir, 'lethe.json'), JSON.stringify(config));

    const exported = await lethe(['archive', 'export', '--subject', ds().primaryEmail(i)!, '--kind', 'access', '--out', out, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const record = JSON.parse(exported.stdout) as { path: string; sha256: string; size: number };
    expect(record.path).toBe(out);
    const { createHash } = await import('node:crypto');
    const bytes = await readFile(out);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.sha256);

    const verified = await lethe(['archive', 'verify', out]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK: /);
    expect(verified.stdout).toContain(record.sha256);

    const damaged = join(dataDir, 'damaged.zip');
    const copy = Buffer.from(bytes);
    const dataStart = 30 + copy.readUInt16LE(26) + copy.readUInt16LE(28);
    copy[dataStart + 3] = copy[dataStart + 3]! ^ 0xff;
    await writeFile(damaged, copy);
    const bad = await lethe(['archive', 'verify', damaged, '--json']);
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as { ok: boolean }).ok).toBe(false);
    expect(bad.stderr).toContain('error [invalid_input]');
  });

  it('portability with a passphrase from stdin; usage errors exit 2', async () => {
    const i = someEndUser();
    const out = join(dataDir, 'portable.zip');
    const exported = await lethe(
      ['archive', 'export', '--subject', `subj_${ds().userId(i)}`, '--kind', 'portability', '--out', out, '--password-stdin', '--json'],
      'a long passphrase here',
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect((JSON.parse(exported.stdout) as { encrypted: boolean }).encrypted).toBe(true);
    expect((await lethe(['archive', 'verify', out, '--password-stdin'], 'a long passphrase here')).code).toBe(0);
    expect((await lethe(['archive', 'export', '--subject', 'x@y.z', '--kind', 'everything', '--out', out])).code).toBe(2);
    expect((await lethe(['subjects', 'search', 'x', '--limit', '0'])).code).toBe(2);
  });
});

describe('lethe subjects links|link|unlink and plans naming unconfirmed accounts (built binary)', () => {
  const writes = () => sim.state.requestLog.filter(isWrite).length;

  it('links, confirms and undoes a link with --json and a table; a plan file naming an unconfirmed account changes nothing', async () => {
    const twin = Array.from({ length: ds().userCount }, (_, i) => i).find((i) => ds().twinOf(i) !== undefined)!;
    const [a, b] = [ds().userId(ds().twinOf(twin)!), ds().userId(twin)];
    const other = ds().userId(someEndUser());
    const before = await lethe(['subjects', 'links', `subj_${a}`, '--json']);
    expect(before.code, before.stderr).toBe(0);
    expect((JSON.parse(before.stdout) as { accounts: Array<{ userId: number }> }).accounts.map((x) => x.userId)).toEqual([a]);

    const linked = await lethe([
      'subjects',
      'link',
      `subj_${a}`,
      String(b),
      '--reason',
      'Second account, confirmed',
      '--by',
      'Dana',
      '--json',
    ]);
    expect(linked.code, linked.stderr).toBe(0);
    const links = JSON.parse(linked.stdout) as { accounts: Array<{ userId: number; why: { kind: string; by?: string } }> };
    expect(links.accounts.map((x) => x.userId)).toEqual([a, b]);
    expect(links.accounts[1]?.why).toMatchObject({ kind: 'confirmed', by: 'Dana' });
    const table = await lethe(['subjects', 'links', `subj_${b}`]);
    expect(table.stdout).toContain('confirmed by Dana: Second account, confirmed');

    const planFile = join(dataDir, 'twin-plan.json');
    const planned = await lethe(['erase', 'plan', '--subject', `subj_${a}`, '--out', planFile, '--json']);
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as { subject: { userIds: number[] } };
    expect(plan.subject.userIds).toEqual([a, b]);

    // Edited to name a third person: refused before anything is checked or sent.
    const tampered = join(dataDir, 'tampered-plan.json');
    await writeFile(tampered, JSON.stringify({ ...plan, subject: { ...plan.subject, userIds: [a, b, other] } }));
    const sent = writes();
    const refused = await lethe(['erase', 'run', '--plan', tampered]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \[conflict\].*not confirmed/);

    // Unlinked after planning: the untouched file is refused too.
    const undone = await lethe(['subjects', 'unlink', `subj_${a}`, String(b), '--undo', '--json']);
    expect(undone.code, undone.stderr).toBe(0);
    expect((JSON.parse(undone.stdout) as { accounts: unknown[] }).accounts).toHaveLength(1);
    const stale = await lethe(['erase', 'run', '--plan', planFile]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error \[conflict\].*not confirmed/);
    expect(writes()).toBe(sent);

    // Taken for a request: the decision's audit entry names it (#19 item 4).
    const rejected = await lethe([
      'subjects',
      'unlink',
      `subj_${a}`,
      String(b),
      '--reason',
      'A different person',
      '--request',
      'req_clilinks01',
      '--json',
    ]);
    expect(rejected.code, rejected.stderr).toBe(0);
    const exported = await lethe(['audit', 'export', '--format', 'json']);
    expect(exported.code, exported.stderr).toBe(0);
    const { entries } = JSON.parse(exported.stdout) as { entries: Array<{ action: string; requestId: string | null }> };
    expect(entries.filter((e) => e.action.startsWith('subjects.link_')).map((e) => [e.action, e.requestId])).toEqual([
      ['subjects.link_confirmed', null],
      ['subjects.link_undone', null],
      ['subjects.link_rejected', 'req_clilinks01'],
    ]);
    expect((await lethe(['subjects', 'unlink', `subj_${a}`, String(b)])).code).toBe(2);
    expect((await lethe(['subjects', 'link', `subj_${a}`, 'abc', '--reason', 'whatever'])).code).toBe(2);
    const short = await lethe(['subjects', 'link', `subj_${a}`, String(b), '--reason', 'x']);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('[invalid_input]');
  }, 180_000);
});
