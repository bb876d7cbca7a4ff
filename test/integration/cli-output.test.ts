import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim';

const run = promisify(execFile);
const BIN = 'bin/lethe.mjs';

let dataDir: string;
let work: string;
let service: string;
let sim: Simulator;
let workspaceId: string;
let subject: string;

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

const mode = async (path: string) => (await stat(path)).mode & 0o777;
/** What is left in the exports folder: the CLI's copy is the only one it keeps. */
const exportsLeft = async () => (await readdir(join(dataDir, 'exports')).catch(() => [] as string[])).filter((n) => n.endsWith('.zip'));

beforeAll(async () => {
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npx electron-vite build (npm test does it)');
  dataDir = await mkdtemp(join(tmpdir(), 'lethe-cli-out-'));
  work = await mkdtemp(join(tmpdir(), 'lethe-cli-out-work-'));
  service = `lethe-cli-out-${process.pid}-${Date.now()}`;
  sim = await startSimulator({ size: 'tiny', seed: 7, noLimits: true, exportLimitPerMinute: 100_000 });
  const added = await lethe(
    ['workspaces', 'add', '--name', 'Sim', '--url', sim.url, '--email', sim.admin.email, '--token-stdin', '--json'],
    sim.admin.token,
  );
  expect(added.code, added.stderr).toBe(0);
  workspaceId = (JSON.parse(added.stdout) as { id: string }).id;
  const synced = await lethe(['sync', '--json']);
  expect(synced.code, synced.stderr).toBe(0);
  subject = 'giorgos.papadopoulos5@post.example.de';
}, 180_000);

afterAll(async () => {
  if (workspaceId) await lethe(['workspaces', 'remove', workspaceId]);
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('lethe erase plan --out', () => {
  it('writes a new file 0600, refuses an existing one without --force, and replaces it 0600 with it', async () => {
    const fresh = join(work, 'fresh-plan.json');
    const made = await lethe(['erase', 'plan', '--subject', subject, '--out', fresh, '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(await mode(fresh)).toBe(0o600);

    const existing = join(work, 'plan.json');
    await writeFile(existing, 'notes of mine\n', { mode: 0o644 });
    const refused = await lethe(['erase', 'plan', '--subject', subject, '--out', existing]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error \[invalid_output\]/m);
    expect(await readFile(existing, 'utf8')).toBe('notes of mine\n');
    expect(await mode(existing)).toBe(0o644);

    const forced = await lethe(['erase', 'plan', '--subject', subject, '--out', existing, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(await readFile(existing, 'utf8'))).toMatchObject({ subject: { email: subject } });
    expect(await mode(existing)).toBe(0o600);
    expect((await readdir(work)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('never writes through a symlink', async () => {
    const victim = join(work, 'victim2.txt');
    const linkPath = join(work, 'planlink.json');
    await writeFile(victim, 'do not touch\n', { mode: 0o644 });
    await symlink(victim, linkPath);
    const refused = await lethe(['erase', 'plan', '--subject', subject, '--out', linkPath]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error \[invalid_output\]/m);
    expect(await readFile(victim, 'utf8')).toBe('do not touch\n');

    // --force replaces the link itself with the plan; what it pointed at stays as it was.
    const forced = await lethe(['erase', 'plan', '--subject', subject, '--out', linkPath, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(victim, 'utf8')).toBe('do not touch\n');
    expect((await lstat(linkPath)).isSymbolicLink()).toBe(false);
    expect(await mode(linkPath)).toBe(0o600);
  });

  it('refuses a folder or a missing folder before planning anything', async () => {
    for (const out of [work, join(work, 'no-such-folder', 'plan.json')]) {
      const refused = await lethe(['erase', 'plan', '--subject', 'nobody@nowhere.example', '--out', out]);
      // invalid_output, not the not_found planning would have given: nothing was planned.
      expect(refused.code, out).toBe(2);
      expect(refused.stderr, out).toMatch(/^error \[invalid_output\]/m);
    }
  });
});

describe('lethe archive export --out', () => {
  const exportTo = (out: string, ...extra: string[]) =>
    lethe(['archive', 'export', '--subject', subject, '--kind', 'portability', '--out', out, '--json', ...extra]);

  it('refuses a folder, a missing folder and an existing file with invalid_output before any work, leaving no archive behind', async () => {
    const existing = join(work, 'existing.txt');
    await writeFile(existing, 'an unrelated file\n');
    for (const out of [work, join(work, 'missing', 'a.zip'), existing]) {
      const refused = await exportTo(out);
      expect(refused.code, out).toBe(2);
      expect(refused.stderr, out).toMatch(/^error \[invalid_output\]/m);
      expect(await exportsLeft(), out).toEqual([]);
    }
    expect(await readFile(existing, 'utf8')).toBe('an unrelated file\n');
  });

  it('writes a new archive 0600 and keeps no working copy; --force replaces an existing file', async () => {
    const out = join(work, 'portable.zip');
    const made = await exportTo(out);
    expect(made.code, made.stderr).toBe(0);
    expect(await mode(out)).toBe(0o600);
    expect(await exportsLeft()).toEqual([]);

    const again = await exportTo(out);
    expect(again.code).toBe(2);
    expect(await exportsLeft()).toEqual([]);

    const forced = await exportTo(out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect((JSON.parse(forced.stdout) as { path: string }).path).toBe(out);
    expect((await lethe(['archive', 'verify', out])).code).toBe(0);
    expect(await exportsLeft()).toEqual([]);
  });
});

describe('a reader that closes the pipe early', () => {
  it('gets no EPIPE stack trace on stderr (lethe requests import --help | head -5)', async () => {
    await mkdir(work, { recursive: true });
    const env = { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: service };
    const child = spawn(process.execPath, [BIN, 'requests', 'import', '--help'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end before the CLI writes makes every write of its help fail with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|at .*\(|node:internal/);
    expect(code).toBe(0);
  });
});
