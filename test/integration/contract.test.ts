import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, operationNames } from '../../src/shared/contract';
import { startSimulator, type Simulator } from '../../src/sim';
import { createTestCore, type TestCore } from '../support/core';
import { oversizedVariants, wrongTypeVariants } from '../support/payloads';

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
