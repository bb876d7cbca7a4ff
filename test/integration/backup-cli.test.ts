import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../src/main/core/secrets/keychain-store';

const run = promisify(execFile);
const BIN = 'bin/lethe.mjs';
const cleanup: (() => Promise<unknown>)[] = [];

async function lethe(
  args: string[],
  where: { dir: string; service: string },
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const child = run(process.execPath, [BIN, ...args], {
      env: { ...process.env, LETHE_DATA_DIR: where.dir, LETHE_KEYCHAIN_SERVICE: where.service, ...env },
    });
    child.child.stdin?.end();
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function machine(name: string): Promise<{ dir: string; service: string }> {
  const dir = await mkdtemp(join(tmpdir(), `lethe-backup-cli-${name}-`));
  const service = `lethe-backup-cli-${name}-${process.pid}-${Date.now()}`;
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return { dir, service };
}

beforeAll(() => {
  if (!existsSync('out/main/cli.js')) throw new Error('Build first: npm run build (npm test does it)');
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('lethe backup create and lethe restore carry a workspace to another machine (built binary, real keychain)', async () => {
  const home = await machine('home');
  const added = await lethe(['workspaces', 'add', '--name', 'Acme', '--subdomain', 'acme', '--email', 'dpo@acme.example', '--json'], home, {
    LETHE_API_TOKEN: 'cli-test-token-abcdefghijklmnop',
  });
  expect(added.code, added.stderr).toBe(0);
  // The recovery key is shown once, at creation (#19 item 2): the workspace never exists without one.
  const { id: ws, recoveryKey: keyAtCreation } = JSON.parse(added.stdout) as { id: string; recoveryKey: string };
  expect(keyAtCreation).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
  const laptop = await machine('laptop');
  for (const where of [home, laptop]) {
    const keychain = new KeychainSecretStore(where.service);
    cleanup.push(() => Promise.all(['api-token', 'db-key', 'audit-key', 'recovery-key'].map((a) => keychain.delete(`${ws}/${a}`))));
  }
  const request = await lethe(
    ['requests', 'add', '--type', 'access', '--regulation', 'GDPR', '--received-at', '2026-11-02T09:30:00Z', '--name', 'Ada', '--json'],
    home,
  );
  expect(request.code, request.stderr).toBe(0);

  const shown = await lethe(['backup', 'recovery-key', '--json'], home);
  expect(shown.code, shown.stderr).toBe(0);
  const { recoveryKey, created } = JSON.parse(shown.stdout) as { recoveryKey: string; created: boolean };
  expect({ recoveryKey, created }).toEqual({ recoveryKey: keyAtCreation, created: false });

  const file = join(laptop.dir, '..', `${ws}.lethebak`);
  cleanup.push(() => rm(file, { force: true }));
  const made = await lethe(['backup', 'create', '--out', file], home);
  expect(made.code, made.stderr).toBe(0);
  expect(made.stdout).toContain('Backup of 1 requests');
  expect(existsSync(file)).toBe(true);

  expect((await lethe(['restore', file], laptop)).code).toBe(2);
  const wrong = await lethe(['restore', file], laptop, { LETHE_RECOVERY_KEY: recoveryKey.replace(/^..../, 'QQQQ') });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain('[recovery_key_wrong]');

  const restored = await lethe(['restore', file, '--json'], laptop, { LETHE_RECOVERY_KEY: recoveryKey });
  expect(restored.code, restored.stderr).toBe(0);
  expect(JSON.parse(restored.stdout)).toMatchObject({ workspaceId: ws, requests: 1, auditChainOk: true });
  const listed = await lethe(['requests', 'list', '--all', '--json'], laptop);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toContain('DSR-000001');
});

it('lethe workspaces add prints the new recovery key once, with what it is for (#19 item 2)', async () => {
  const home = await machine('text');
  const added = await lethe(['workspaces', 'add', '--name', 'Acme', '--subdomain', 'acme', '--email', 'dpo@acme.example'], home, {
    LETHE_API_TOKEN: 'cli-test-token-abcdefghijklmnop',
  });
  expect(added.code, added.stderr).toBe(0);
  const key = /^Recovery key: ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){12})$/m.exec(added.stdout)?.[1];
  expect(key, added.stdout).toBeDefined();
  expect(added.stdout).toContain('lethe backup recovery-key');
  const ws = /\((ws_\w+)\)/.exec(added.stdout)![1]!;
  const keychain = new KeychainSecretStore(home.service);
  cleanup.push(() => Promise.all(['api-token', 'db-key', 'audit-key', 'recovery-key'].map((a) => keychain.delete(`${ws}/${a}`))));
  expect(await keychain.get(`${ws}/recovery-key`)).toBe(key);
  // The key file beside the stores is there from the start, so a lost keychain is recoverable at once.
  const made = await lethe(['backup', 'create', '--json'], home);
  expect(made.code, made.stderr).toBe(0);
});
