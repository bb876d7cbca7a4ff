import type { erasureOperations } from '../../../shared/contract/groups/erasure';
import type { CoreServices, DomainHandlers } from '../services';
import { defaultActor } from '../requests';
import { saveReceiptAs } from './receipt-file';
import { linkRunToRequest, planContext } from './request-context';
import { ErasureService, type ErasureServiceOptions } from './service';

/** The erasure domain's contract operations; running erasures stop (resumable) when the core closes. */
export function createErasureHandlers(
  s: CoreServices,
  options: ErasureServiceOptions & { service?: ErasureService } = {},
): DomainHandlers<typeof erasureOperations> {
  const erasure = options.service ?? new ErasureService(s, options);
  s.onClose(() => erasure.close());
  const ws = (id: string | undefined) => erasure.resolve(id);
  return {
    'erasure.plan': async ({ workspaceId, subject, regulation, requestId, preparedBy }) => {
      const id = await ws(workspaceId);
      const context = await planContext(s, id, { requestId, regulation });
      const plan = await erasure.plan(id, { subject, preparedBy, ...context });
      await linkRunToRequest(s, id, { plan }, 'erasure_run', plan.preparedBy ?? defaultActor());
      return plan;
    },
    'erasure.saveReceipt': async ({ workspaceId, runId, format }) => saveReceiptAs(s, await ws(workspaceId), runId, format),
    'erasure.getPlan': async ({ workspaceId, planId }) => erasure.getPlan(await ws(workspaceId), planId),
    'erasure.override': async ({ workspaceId, planId, target, id, decision, reason, by }) =>
      erasure.override(await ws(workspaceId), planId, { target, id, decision, reason, by }),
    'erasure.chooseName': async ({ workspaceId, planId, commentId, redact, by }) =>
      erasure.chooseName(await ws(workspaceId), planId, { commentId, redact, by }),
    'erasure.approve': async ({ workspaceId, planId, approver, note }) =>
      erasure.approve(await ws(workspaceId), planId, { approver, note }),
    'erasure.revalidate': async ({ workspaceId, planId }) => erasure.revalidate(await ws(workspaceId), planId),
    'erasure.execute': async ({ workspaceId, planId, confirm }) => erasure.execute(await ws(workspaceId), planId, confirm),
    'erasure.status': async ({ workspaceId, runId }) => erasure.status(await ws(workspaceId), runId),
    'erasure.checkZendeskDeletion': async ({ workspaceId, runId }) => erasure.checkZendeskDeletion(await ws(workspaceId), runId),
    'erasure.resume': async ({ workspaceId, runId }) => ({ runs: await erasure.resume(await ws(workspaceId), runId) }),
    'erasure.listRuns': async ({ workspaceId }) => ({ runs: await erasure.listRuns(await ws(workspaceId)) }),
    'erasure.getRules': async ({ workspaceId }) => erasure.getRules(await ws(workspaceId)),
    'erasure.setRules': async ({ workspaceId, rules }) => erasure.setRules(await ws(workspaceId), rules),
  };
}
