import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeContract } from '../../src/shared/contract/define';
import { actionOperations } from '../../src/shared/contract/groups/actions';
import { createActionHandlers } from '../../src/main/core/actions';
import { createRouter, type Router } from '../../src/main/core/router/router';
import { createTestCore, type TestCore } from '../support/core';
import { oversizedVariants, wrongTypeVariants } from '../support/payloads';

/**
 * The checks contract.test.ts runs on every wired operation, on this group's own router until it
 * is merged into the contract: no workspace exists, so a valid example fails on anything but input.
 */
let ctx: TestCore;
let router: Router;
beforeAll(async () => {
  ctx = await createTestCore();
  router = createRouter(mergeContract(actionOperations), createActionHandlers(ctx.core.services), ctx.core.services.log);
});
afterAll(async () => ctx.dispose());

for (const [name, def] of Object.entries(actionOperations)) {
  const example = def.example as Record<string, unknown>;
  describe(name, () => {
    it('accepts its valid example', async () => {
      expect(def.input.safeParse(example).success).toBe(true);
      const result = await router.call(name, example);
      if (!result.ok) expect(result.error.code).not.toBe('invalid_input');
    });
    it('refuses wrong types, extra keys and oversized values', async () => {
      for (const { label, payload } of [...wrongTypeVariants(example), ...oversizedVariants(example)]) {
        expect(await router.call(name, payload), label).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
      expect(await router.call(name, { ...example, __proto_pollution: { admin: true } })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    });
  });
}
