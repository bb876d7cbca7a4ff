import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mergeContract, op } from '../../../shared/contract/define';
import { LetheError } from '../../../shared/errors';
import { createMemoryLogger } from '../log/logger';
import { createRouter } from './router';

const contract = mergeContract({
  'demo.echo': op({
    input: z.object({ text: z.string().max(10) }).strict(),
    output: z.object({ text: z.string() }).strict(),
    summary: 'echo',
    example: { text: 'hi' },
  }),
  'demo.fail': op({ input: z.object({}).strict(), output: z.object({}).strict(), summary: 'fail', example: {} }),
});

describe('router', () => {
  it('validates input, calls the handler and validates output', async () => {
    const log = createMemoryLogger();
    const router = createRouter(
      contract,
      {
        'demo.echo': ({ text }) => ({ text: text.toUpperCase() }),
        'demo.fail': () => {
          throw new Error('disk path /home/someone/secret.db exploded');
        },
      },
      log,
    );
    expect(await router.call('demo.echo', { text: 'abc' })).toEqual({ ok: true, value: { text: 'ABC' } });
    const bad = await router.call('demo.echo', { text: 'abc', extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknown = await router.call('demo.nope', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
    const failed = await router.call('demo.fail', {});
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    // The unexpected error's text stays in the log, never in the envelope.
    expect(JSON.stringify(failed)).not.toContain('secret.db');
    expect(log.lines.join('\n')).toContain('exploded');
  });

  it('passes LetheError codes through and refuses outputs outside the contract', async () => {
    const router = createRouter(
      contract,
      {
        'demo.echo': () => ({ text: 1 }) as unknown as { text: string },
        'demo.fail': () => {
          throw new LetheError('not_found', 'No such thing');
        },
      },
      createMemoryLogger(),
    );
    expect(await router.call('demo.fail', {})).toEqual({ ok: false, error: { code: 'not_found', message: 'No such thing' } });
    expect(await router.call('demo.echo', { text: 'a' })).toMatchObject({ ok: false, error: { code: 'internal_error' } });
  });

  it('fails at start-up on duplicate names, bad names and missing handlers', () => {
    const one = { 'a.b': op({ input: z.object({}), output: z.object({}), summary: '', example: {} }) };
    expect(() => mergeContract(one, one)).toThrow(/Duplicate contract operation name: a.b/);
    expect(() => mergeContract({ 'no-dot': one['a.b'] })).toThrow(/domain.verbNoun/);
    expect(() => createRouter(contract, { 'demo.echo': () => ({ text: '' }) } as never, createMemoryLogger())).toThrow(
      /No handler for contract operation demo.fail/,
    );
  });
});
