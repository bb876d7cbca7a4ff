import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src/main/core/secrets/keychain-store';
import { TEAM_SCHEMA_VERSION } from '../../src/main/core/team/migrations';
import { startPostgres, type PgCluster } from '../support/postgres';

// The built `lethe` binary against a real PostgreSQL and the real OS keychain (run inside the
// D-Bus session npm test starts): team init, status and join, and `lethe audit verify` on the
// team database.

const run = promisify(execFile);
const BIN = 'bin/lethe.mjs';

let cluster: PgCluster;
let database: string;
const machines: Array<{ dataDir: string; service: string; workspaceId: string }> = [];

async function lethe(
  m: { dataDir: string; service: string },
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const child = run(process.execPath, [BIN, ...args], {
      env: { ...process.env, LETHE_DATA_DIR: m.dataDir, LETHE_KEYCHAIN_SERVICE: m.service, ...env },
    });
    child.child.stdin?.end();
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function machine(name: string) {
  const m = {
    dataDir: await mkdtemp(join(tmpdir(), `lethe-team-cli-${name}-`)),
    service: `lethe-team-cli-${name}-${process.pid}`,
    workspaceId: '',
  };
  const added = await lethe(m, ['workspaces', 'add', '--name', 'Acme', '--subdomain', 'acme', '--email', 'dpo@acme.example', '--json'], {
    LETHE_API_TOKEN: 'cli-test-token-abcdefghijklmnop',
  });
  expect(added.code, added.stderr).toBe(0);
  m.workspaceId = (JSON.parse(added.stdout) as { id: string }).id;
  machines.push(m);
  return m;
}

beforeAll(async () => {
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npm run build (npm test does it)');
  cluster = await startPostgres();
  database = await cluster.createDatabase('cli');
  await cluster.createLogin('dana', 'dana-pw');
});

afterAll(async () => {
  for (const m of machines) {
    await lethe(m, ['workspaces', 'remove', m.workspaceId]);
    const keychain = new KeychainSecretStore(m.service);
    for (const account of ['audit-key', 'team-password', 'db-key', 'api-token']) await keychain.delete(`${m.workspaceId}/${account}`);
    await rm(m.dataDir, { recursive: true, force: true });
  }
  cluster?.destroy();
});

// Each spawns the binary several times: on a busy machine that takes longer than vitest's default.
const SLOW = { timeout: 120_000 };

describe('lethe team (built binary)', () => {
  let b: Awaited<ReturnType<typeof machine>>;

  it('init moves the local register, status says where, audit verify checks the team chain', SLOW, async () => {
    const a = await machine('a');
    const added = await lethe(a, [
      'requests',
      'add',
      '--type',
      'access',
      '--regulation',
      'GDPR',
      '--email',
      'ada@example.test',
      '--received-at',
      '2025-03-01T09:30:00+01:00',
      '--json',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const local = await lethe(a, ['team', 'status']);
    expect(local).toMatchObject({ code: 0, stdout: expect.stringMatching(/this machine's encrypted files/) });

    const url = `postgres://lethe_admin@127.0.0.1:${cluster.port}/${database}`;
    // Two local entries: the workspace's recovery key shown at creation, and the request.
    const init = await lethe(a, ['team', 'init', '--database-url', url], { LETHE_TEAM_PASSWORD: 'admin-secret-for-tests' });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`Schema migrated from version 0 to ${TEAM_SCHEMA_VERSION} `);
    expect(init.stdout).toMatch(/Moved 1 requests, 2 audit entries and 0 journal runs; the chain verifies, head 3 [0-9a-f]{64}/);
    // The password went to the keychain, not to a file.
    expect(await new KeychainSecretStore(a.service).get(`${a.workspaceId}/team-password`)).toBe('admin-secret-for-tests');
    for (const file of ['lethe.json', 'team.json']) {
      expect(await readFile(join(a.dataDir, file), 'utf8')).not.toContain('admin-secret-for-tests');
    }

    const status = await lethe(a, ['team', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ mode: 'team', role: 'lethe_admin', reachable: true, where: url });
    const verify = await lethe(a, ['audit', 'verify']);
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/All 3 entries chain correctly; the head is entry 3/) });
  });

  it('join connects another officer as their own role; a wrong password is refused', SLOW, async () => {
    await cluster.admin('GRANT lethe_officer TO dana');
    b = await machine('b');
    const wrong = await lethe(b, ['team', 'join', '--database-url', `postgres://dana@127.0.0.1:${cluster.port}/${database}`], {
      LETHE_TEAM_PASSWORD: 'nope',
    });
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringMatching(/error \[team_auth_failed\]/) });
    const joined = await lethe(b, ['team', 'join', '--database-url', `postgres://dana@127.0.0.1:${cluster.port}/${database}`], {
      LETHE_TEAM_PASSWORD: 'dana-pw',
    });
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toMatch(/this machine acts as dana/);
    const listed = await lethe(b, ['requests', 'list', '--all']);
    expect(listed.stdout).toMatch(/DSR-000001/);
    const onB = await lethe(b, ['audit', 'verify', '--json']);
    expect(JSON.parse(onB.stdout)).toMatchObject({ ok: true, count: 3 });
  });

  it('status says when the team database does not answer', SLOW, async () => {
    cluster.stop();
    try {
      const down = await lethe(b, ['team', 'status']);
      expect(down).toMatchObject({ code: 1, stderr: expect.stringMatching(/error \[team_unreachable\]/) });
    } finally {
      cluster.start();
    }
  });
});
