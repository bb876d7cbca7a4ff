import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/main/core/log/logger';
import { exportsDir } from '../../src/main/core/subjects';
import { PATH_KEY } from '../../src/main/host/path-policy';
import { startHost, type Host } from '../../src/main/host/server';
import { contract, operationNames } from '../../src/shared/contract';
import { startSimulator, type Simulator } from '../../src/sim';
import { createTestCore, type TestCore } from '../support/core';
import { rawRequest } from '../support/http';
import { startListener } from '../support/listener';
import { inputKeyPaths, oversizedVariants, withValueAt, wrongTypeVariants } from '../support/payloads';

let ctx: TestCore;
let sim: Simulator;
let simWorkspaceId: string;
beforeAll(async () => {
  ctx = await createTestCore();
  // Examples that reach the helpdesk talk to a local simulator, never to the address in an example
  // (a real Zendesk host): fast answers, and no traffic leaves the machine.
  sim = await startSimulator({ port: 0, size: 'tiny', seed: 3, noLimits: true, jobDelayMs: 20 });
  const created = await ctx.call('workspaces.create', {
    name: 'Simulator',
    address: { baseUrl: sim.url },
    email: sim.admin.email,
    apiToken: sim.admin.token,
  });
  if (!created.ok) throw new Error(created.error.message);
  simWorkspaceId = created.value.id;
});
afterAll(async () => {
  await ctx.dispose();
  await sim.close();
});

describe('every contract operation', () => {
  it('has a handler, a summary and an example', () => {
    expect(operationNames.length).toBeGreaterThan(5);
    for (const name of operationNames) {
      expect(ctx.core.router.names).toContain(name);
      expect(contract[name].summary.length).toBeGreaterThan(5);
    }
  });

  for (const name of operationNames) {
    const def = contract[name];
    const example = def.example as Record<string, unknown>;

    describe(name, () => {
      it('accepts its valid example (input is not the problem)', async () => {
        if (!name.startsWith('workspaces.') && !name.startsWith('demo.')) await ctx.call('workspaces.select', { id: simWorkspaceId });
        const result = await ctx.core.router.call(name, example);
        if (!result.ok) expect(result.error.code).not.toBe('invalid_input');
        expect(def.input.safeParse(example).success).toBe(true);
      });

      it('refuses wrong types', async () => {
        for (const { label, payload } of wrongTypeVariants(example)) {
          const result = await ctx.core.router.call(name, payload);
          expect(result, label).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
        }
      });

      it('refuses extra keys', async () => {
        const result = await ctx.core.router.call(name, { ...example, __proto_pollution: { admin: true } });
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      });

      it('refuses oversized values', async () => {
        for (const { label, payload } of oversizedVariants(example)) {
          const result = await ctx.core.router.call(name, payload);
          expect(result, label).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
        }
      });
    });
  }
});

// Operations that take a helpdesk address or a file path get the same hostile probes, found from
// their input schemas, so a new operation of either kind is probed without being listed here.
const keyPathsOf = (name: (typeof operationNames)[number]) => inputKeyPaths(contract[name].input);
const urlOperations = operationNames.flatMap((name) => {
  const path = keyPathsOf(name).find((p) => /url$/i.test(p.at(-1) ?? ''));
  return path ? [{ name, path }] : [];
});
const pathOperations = operationNames.flatMap((name) => {
  const path = keyPathsOf(name).find((p) => PATH_KEY.test(p.at(-1) ?? ''));
  return path ? [{ name, path }] : [];
});

describe('operations that take a helpdesk address', () => {
  it('are found from the contract', () => {
    expect(urlOperations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['workspaces.create', 'workspaces.update', 'workspaces.testConnection']),
    );
  });

  for (const { name, path } of urlOperations) {
    it(`${name}: a new address without the token never receives the stored token`, async () => {
      const listener = await startListener();
      try {
        const example = contract[name].example as Record<string, unknown>;
        const tokenless = Object.fromEntries(Object.entries(example).filter(([key]) => !/token/i.test(key)));
        let payload = withValueAt(tokenless, path, listener.url);
        if (keyPathsOf(name).some((p) => p.length === 1 && p[0] === 'id')) payload = { ...payload, id: simWorkspaceId };
        await ctx.core.router.call(name, payload);
        // Everything that connects goes through the stored credentials: try them all.
        const listed = await ctx.call('workspaces.list', {});
        if (!listed.ok) throw new Error(listed.error.message);
        for (const w of listed.value.workspaces) await ctx.call('workspaces.testConnection', { id: w.id });
        expect(listener.sawToken(sim.admin.token)).toBe(false);
      } finally {
        await listener.close();
        // Back to the simulator with its token, for the tests after this one.
        await ctx.call('workspaces.update', { id: simWorkspaceId, address: { baseUrl: sim.url }, apiToken: sim.admin.token });
      }
    });
  }
});

describe('operations that take a file path, from browser mode', () => {
  let host: Host;
  let outsideDir: string;
  const TOKEN = 'contract-test-token-0123456789abcdefghij';
  beforeAll(async () => {
    host = await startHost({
      core: ctx.core,
      rendererDir: join(ctx.dataDir, 'no-renderer'),
      token: TOKEN,
      port: 0,
      log: createMemoryLogger(),
    });
    outsideDir = await mkdtemp(join(tmpdir(), 'lethe-contract-outside-'));
    await writeFile(join(outsideDir, 'secret.zip'), 'not for the browser');
    await mkdir(exportsDir(ctx.dataDir), { recursive: true });
    await symlink(join(outsideDir, 'secret.zip'), join(exportsDir(ctx.dataDir), 'exp_000000000000000000000001.zip'));
  });
  afterAll(async () => {
    await host.close();
    await rm(outsideDir, { recursive: true, force: true });
  });

  it('are found from the contract', () => {
    expect(pathOperations.map((o) => o.name)).toContain('archives.verify');
  });

  for (const { name, path } of pathOperations) {
    it(`${name}: refuses a path outside the exports folder or a symlink leading out, one answer whether it exists or not`, async () => {
      const example = contract[name].example as Record<string, unknown>;
      const answers = new Set<string>();
      for (const probe of [
        join(outsideDir, 'secret.zip'),
        join(outsideDir, 'missing.zip'),
        '/etc/passwd',
        `${exportsDir(ctx.dataDir)}/../lethe.json`,
        join(exportsDir(ctx.dataDir), 'exp_000000000000000000000001.zip'),
      ]) {
        // The example with the path set, or only the path where the example's keys exclude it.
        const payload = [withValueAt(example, path, probe), withValueAt({}, path, probe)].find(
          (p) => contract[name].input.safeParse(p).success,
        );
        expect(payload, `${name} takes ${path.join('.')} alone or with its example`).toBeDefined();
        const res = await rawRequest(host.port, {
          method: 'POST',
          path: `/api/${name}`,
          headers: { Host: `127.0.0.1:${host.port}`, 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(payload),
        });
        expect(res.status, probe).toBe(403);
        expect(res.body).not.toContain('not for the browser');
        answers.add(res.body);
      }
      expect(answers.size).toBe(1);
    });
  }
});
