import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src/main/core/secrets/keychain-store';

const run = promisify(execFile);
const BIN = 'bin/lethe.mjs';

let dataDir: string;
let service: string;
let workspaceId: string;

async function lethe(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const child = run(process.execPath, [BIN, ...args], {
      env: { ...process.env, LETHE_DATA_DIR: dataDir, LETHE_KEYCHAIN_SERVICE: service, ...env },
    });
    child.child.stdin?.end();
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npm run build (npm test does it)');
});

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lethe-requests-cli-'));
  service = `lethe-requests-cli-test-${process.pid}-${Date.now()}`;
  const added = await lethe(['workspaces', 'add', '--name', 'Acme', '--subdomain', 'acme', '--email', 'dpo@acme.example', '--json'], {
    LETHE_API_TOKEN: 'cli-test-token-abcdefghijklmnop',
  });
  expect(added.code, added.stderr).toBe(0);
  workspaceId = (JSON.parse(added.stdout) as { id: string }).id;
});

afterEach(async () => {
  await lethe(['workspaces', 'remove', workspaceId]);
  // The audit key is the register's own keychain entry.
  await new KeychainSecretStore(service).delete(`${workspaceId}/audit-key`);
  await rm(dataDir, { recursive: true, force: true });
});

describe('lethe requests and lethe audit (built binary)', () => {
  it('adds, lists, imports, exports and verifies', async () => {
    const added = await lethe([
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
    expect(JSON.parse(added.stdout)).toMatchObject({ reference: 'DSR-000001', deadlines: { due: '2025-04-01' } });

    const hidden = await lethe(['requests', 'list']);
    expect(hidden.stdout).toContain('No requests match.');
    expect(hidden.stderr).toContain('1 unverified request(s) hidden');
    const all = await lethe(['requests', 'list', '--all']);
    expect(all.stdout).toMatch(/DSR-000001\s+req_\w+\s+access\s+GDPR\s+received\s+2025-04-01/);

    const bad = join(dataDir, 'bad.csv');
    await writeFile(bad, 'type,regulation,receivedAt\naccess,GDPR,yesterday\n');
    const refused = await lethe(['requests', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/2\s+receivedAt\s+an ISO date-time/);
    expect(refused.stderr).toContain('error [invalid_input]: 1 problem(s)');
    const good = join(dataDir, 'good.csv');
    await writeFile(good, 'type,regulation,receivedAt\nerasure,CCPA,2025-02-01\n');
    expect((await lethe(['requests', 'import', good, '--dry-run'])).stdout).toContain('All 1 rows are valid; nothing imported (dry run).');
    expect((await lethe(['requests', 'import', good])).stdout).toContain('Imported 1 requests.');

    const csvPath = join(dataDir, 'register.csv');
    expect((await lethe(['requests', 'export', '--format', 'csv', '--output', csvPath])).code).toBe(0);
    expect(await readFile(csvPath, 'utf8')).toContain('ada@example.test');
    expect((await lethe(['requests', 'list', '--type', 'nope'])).code).toBe(2);

    const verified = await lethe(['audit', 'verify', '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, brokenAt: null });
    const exported = await lethe(['audit', 'export', '--format', 'json']);
    const doc = JSON.parse(exported.stdout) as { entries: Array<{ action: string }> };
    expect(doc.entries.map((e) => e.action)).toContain('register.imported');
    expect(exported.stdout).not.toContain('ada@example.test');
  });
});
