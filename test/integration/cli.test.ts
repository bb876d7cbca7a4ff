import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = 'bin/lethe.mjs';
const TOKEN = 'cli-test-token-abcdefghijklmnop';

let dataDir: string;
let service: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function lethe(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const env = { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: service, ...options.env };
  try {
    const child = run(process.execPath, [BIN, ...args], { env });
    if (options.input !== undefined) {
      child.child.stdin?.end(options.input);
    } else {
      child.child.stdin?.end();
    }
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  // The CLI tests run the built binary, as a person or a cron job would.
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npm run build (npm test does it)');
});

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lethe-cli-'));
  service = `lethe-cli-test-${process.pid}-${Date.now()}`;
});

afterEach(async () => {
  // Remove what the tests put in the real keychain.
  await lethe(['workspaces', 'list', '--json']).then(async (r) => {
    if (r.code !== 0) return;
    for (const w of (JSON.parse(r.stdout) as { workspaces: Array<{ id: string }> }).workspaces) await lethe(['workspaces', 'remove', w.id]);
  });
  await rm(dataDir, { recursive: true, force: true });
});

describe('lethe (built binary)', () => {
  it('prints help with examples and exits 0', async () => {
    const help = await lethe(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lethe');
    expect(help.stdout).toContain('workspaces');
    const sub = await lethe(['workspaces', 'add', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--token-stdin');
    expect(sub.stdout).toContain('Examples:');
  });

  it('adds, lists and removes a workspace with --json, the token read from stdin', async () => {
    const added = await lethe(
      ['workspaces', 'add', '--name', 'Acme', '--subdomain', 'acme', '--email', 'dpo@acme.example', '--token-stdin', '--json'],
      { input: TOKEN },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const workspace = JSON.parse(added.stdout) as { id: string; baseUrl: string; hasToken: boolean };
    expect(workspace).toMatchObject({ baseUrl: 'https://acme.zendesk.com', hasToken: true });
    expect(added.stdout).not.toContain(TOKEN);

    const listed = await lethe(['workspaces', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ activeId: workspace.id, workspaces: [{ id: workspace.id, name: 'Acme' }] });
    expect(await readFile(join(dataDir, 'lethe.json'), 'utf8')).not.toContain(TOKEN);

    const table = await lethe(['workspaces', 'list']);
    expect(table.stdout).toMatch(/\*\s+ws_\w+\s+Acme\s+https:\/\/acme\.zendesk\.com\s+dpo@acme\.example\s+in keychain/);

    const removed = await lethe(['workspaces', 'remove', workspace.id, '--json']);
    expect(removed.code).toBe(0);
    expect(JSON.parse((await lethe(['workspaces', 'list', '--json'])).stdout)).toEqual({ workspaces: [], activeId: null });
  });

  it('exits 2 on usage errors and 1 on refused input, with the stable code on stderr and no stack', async () => {
    const unknown = await lethe(['workspaces', 'frobnicate']);
    expect(unknown.code).toBe(2);
    const both = await lethe(
      ['workspaces', 'add', '--name', 'A', '--subdomain', 'a', '--url', 'https://a.example', '--email', 'a@a.example'],
      { env: { LETHE_API_TOKEN: TOKEN } },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('error [invalid_input]');
    const badEmail = await lethe(['workspaces', 'add', '--name', 'A', '--subdomain', 'a', '--email', 'not-an-email'], {
      env: { LETHE_API_TOKEN: TOKEN },
    });
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toMatch(/^error \[invalid_input\]: email/m);
    expect(badEmail.stderr).not.toMatch(/\n\s+at /);
    const missing = await lethe(['workspaces', 'remove', 'ws_doesnotexist']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error [not_found]');
    // With nothing selected the CLI says why the console's demo is not here, and what to do instead.
    const noWorkspace = await lethe(['requests', 'list']);
    expect(noWorkspace.code).toBe(1);
    expect(noWorkspace.stderr).toMatch(/^error \[not_found\]: No workspace is selected.*lives only inside that process.*lethe sim/m);
    expect(JSON.parse((await lethe(['workspaces', 'list', '--json'])).stdout)).toEqual({ workspaces: [], activeId: null });
  });

  it('refuses to store a token when no keychain is reachable, and writes nothing', async () => {
    const noKeychain = await lethe(
      ['workspaces', 'add', '--name', 'A', '--subdomain', 'a', '--email', 'a@a.example', '--token-stdin', '--json'],
      {
        input: TOKEN,
        env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      },
    );
    expect(noKeychain.code).toBe(1);
    expect(noKeychain.stderr).toContain('error [keychain_unavailable]');
    expect(existsSync(join(dataDir, 'lethe.json'))).toBe(false);
  });

  it('works without a keychain when LETHE_API_TOKEN and LETHE_DB_KEY come from the environment, never printing them', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', LETHE_API_TOKEN: TOKEN, LETHE_DB_KEY: 'c'.repeat(64) };
    const added = await lethe(['workspaces', 'add', '--name', 'Server', '--subdomain', 'acme', '--email', 'dpo@acme.example', '--json'], {
      env,
    });
    expect(added.stderr).toBe('');
    expect(JSON.parse(added.stdout)).toMatchObject({ hasToken: true });
    const listed = await lethe(['workspaces', 'list', '--json'], { env });
    expect(listed.stdout).not.toContain(TOKEN);
    expect(listed.stdout).not.toContain('c'.repeat(64));
    const badKey = await lethe(['workspaces', 'list'], { env: { ...env, LETHE_DB_KEY: 'short' } });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('LETHE_DB_KEY must be 64 hexadecimal digits');
    await lethe(['workspaces', 'remove', (JSON.parse(added.stdout) as { id: string }).id], { env });
  });

  it('sets the organisation and the information sheet from a file, and refuses a bad file changing nothing', async () => {
    const sheet = join(dataDir, 'sheet.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(sheet, JSON.stringify({ purposes: 'Customer support', complaint: 'You may complain to your supervisory authority.' }));
    const set = await lethe([
      'settings',
      'set',
      '--organization',
      'Acme Ltd',
      '--time-zone',
      'Europe/Dublin',
      '--information-sheet',
      sheet,
      '--json',
    ]);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toMatchObject({
      organizationName: 'Acme Ltd',
      timeZone: 'Europe/Dublin',
      informationSheet: { purposes: 'Customer support' },
    });

    await writeFile(sheet, JSON.stringify({ purposes: 'x', unknownSection: 'y' }));
    const bad = await lethe(['settings', 'set', '--information-sheet', sheet]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error [invalid_input]');
    const badZone = await lethe(['settings', 'set', '--time-zone', 'Mars/Base']);
    expect(badZone.code).toBe(1);
    const shown = await lethe(['settings', 'show', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ timeZone: 'Europe/Dublin', informationSheet: { purposes: 'Customer support' } });
    expect((await lethe(['settings', 'set'])).code).toBe(2);
  });

  it('serve prints its one line, refuses the API without the token, answers with it, and stops cleanly', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env: { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: service },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const found = out.split('\n').find((l) => l.startsWith('Lethe is serving at '));
        if (found) resolve(found);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const match = /^Lethe is serving at (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]{43})$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, origin, token] = match!;
    const refused = await fetch(`${origin}/api/app.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    const answered = await fetch(`${origin}/api/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(await answered.json()).toMatchObject({ ok: true, value: { name: 'Lethe', face: 'browser' } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await lethe(['serve', '--port', 'not-a-port'])).code).toBe(2);
  });

  it('sim prints the URL it listens on first, then credentials that work', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--size', 'tiny', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        if (/agent token: \w+/.test(text)) resolve(text);
      });
      child.once('exit', (code) => reject(new Error(`sim exited with ${code}`)));
    });
    const [first] = out.split('\n');
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first ?? '')?.[1];
    expect(url, first).toBeDefined();
    const email = /admin email: (\S+)/.exec(out)?.[1];
    const token = /admin token: (\S+)/.exec(out)?.[1];
    const me = await fetch(`${url}/api/v2/users/me.json`, {
      headers: { Authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}` },
    });
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe('admin');
    child.kill('SIGTERM');
  });
});
