import type { z } from 'zod';
import { LetheError, type ErrorInfo, type Result } from '../../../shared/errors';
import type { ContractShape, OutputOf, ParsedInputOf } from '../../../shared/contract/define';
import type { Logger } from '../log/logger';
import { runInCallContext, type CallContext } from './call-context';

export type Handlers<C extends ContractShape> = {
  [K in keyof C]: (input: ParsedInputOf<C, K>) => Promise<OutputOf<C, K>> | OutputOf<C, K>;
};

export interface Router {
  /** Names this router serves, in contract order. */
  readonly names: readonly string[];
  /** Parses `payload`, runs the handler, parses its result. Never throws. */
  call(name: string, payload: unknown, context?: CallContext): Promise<Result<unknown>>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : 'payload';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

function toErrorInfo(error: unknown, name: string, log: Logger): ErrorInfo {
  if (error instanceof LetheError) return error.toInfo();
  // Unknown failures are logged in full here and reach the face only as a generic message:
  // stacks and driver messages can carry paths, SQL or personal data.
  log.error(`operation ${name} failed`, error);
  return { code: 'internal_error', message: `${name} failed unexpectedly; the log has the details` };
}

export function createRouter<C extends ContractShape>(contract: C, handlers: Handlers<C>, log: Logger): Router {
  const names = Object.keys(contract);
  for (const name of names) {
    if (typeof (handlers as Record<string, unknown>)[name] !== 'function') {
      throw new Error(`No handler for contract operation ${name}`);
    }
  }
  for (const name of Object.keys(handlers)) {
    if (!Object.hasOwn(contract, name)) throw new Error(`Handler ${name} is not in the contract`);
  }

  return {
    names,
    async call(name, payload, context = {}) {
      if (typeof name !== 'string' || !Object.hasOwn(contract, name)) {
        return { ok: false, error: { code: 'unknown_operation', message: `No operation named ${String(name).slice(0, 80)}` } };
      }
      const def = contract[name]!;
      const parsed = def.input.safeParse(payload === undefined ? {} : payload);
      if (!parsed.success) {
        return { ok: false, error: { code: 'invalid_input', message: describeIssues(parsed.error) } };
      }
      try {
        const handler = handlers[name as keyof C] as (input: unknown) => unknown;
        if (context.signal?.aborted === true) throw new LetheError('cancelled', 'The caller went away');
        const value = await runInCallContext(context, () => handler(parsed.data));
        const checked = def.output.safeParse(value);
        if (!checked.success) {
          log.error(`operation ${name} returned a value outside its contract: ${describeIssues(checked.error)}`);
          return { ok: false, error: { code: 'internal_error', message: `${name} produced an invalid result` } };
        }
        return { ok: true, value: checked.data };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error, name, log) };
      }
    },
  };
}
