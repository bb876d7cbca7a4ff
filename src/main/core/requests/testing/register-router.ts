import type { z } from 'zod';
import { auditOperations } from '../../../../shared/contract/groups/audit';
import { requestOperations } from '../../../../shared/contract/groups/requests';
import type { Result } from '../../../../shared/errors';
import { createAuditHandlers } from '../../audit/audit-handlers';
import { createMemoryLogger } from '../../log/logger';
import { createRouter, type Router } from '../../router/router';
import type { CoreServices } from '../../services';
import { createRequestHandlers } from '../request-handlers';

export const registerContract = { ...requestOperations, ...auditOperations };
type RegisterContract = typeof registerContract;
type Name = keyof RegisterContract & string;

export interface RegisterRouter {
  router: Router;
  call<K extends Name>(name: K, input: z.input<RegisterContract[K]['input']>): Promise<Result<z.output<RegisterContract[K]['output']>>>;
  /** Same, throwing on failure: for steps a test is not about. */
  must<K extends Name>(name: K, input: z.input<RegisterContract[K]['input']>): Promise<z.output<RegisterContract[K]['output']>>;
}

/**
 * The register's and the audit log's operations bound over a core's services, exactly as
 * create-core binds them, so tests go through input and output parsing without depending on the
 * wiring of the whole contract.
 */
export function registerRouter(services: CoreServices): RegisterRouter {
  const router = createRouter(
    registerContract,
    { ...createRequestHandlers(services), ...createAuditHandlers(services) },
    createMemoryLogger(),
  );
  const call = (name: string, input: unknown) => router.call(name, input) as never;
  return {
    router,
    call,
    async must(name, input) {
      const result = (await router.call(name, input)) as Result<never>;
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}
