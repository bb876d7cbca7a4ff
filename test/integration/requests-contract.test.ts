import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerContract, registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { createTestCore, type TestCore } from '../support/core';
import { oversizedVariants, wrongTypeVariants } from '../support/payloads';

// The same checks contract.test.ts runs on the whole contract, here before the groups are wired in.
let ctx: TestCore;
let reg: RegisterRouter;
beforeAll(async () => {
  ctx = await createTestCore();
  reg = registerRouter(ctx.core.services);
});
afterAll(async () => ctx.dispose());

describe('request register and audit operations', () => {
  for (const [name, def] of Object.entries(registerContract)) {
    const example = def.example as Record<string, unknown>;
    describe(name, () => {
      it('accepts its example; without a workspace it says not_found', async () => {
        expect(def.input.safeParse(example).success).toBe(true);
        const result = await reg.router.call(name, example);
        expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
      });
      it('refuses wrong types, extra keys and oversized values', async () => {
        for (const { label, payload } of [...wrongTypeVariants(example), ...oversizedVariants(example)]) {
          expect(await reg.router.call(name, payload), label).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
        }
        expect(await reg.router.call(name, { ...example, __proto_pollution: { admin: true } })).toMatchObject({
          ok: false,
          error: { code: 'invalid_input' },
        });
      });
    });
  }
});
