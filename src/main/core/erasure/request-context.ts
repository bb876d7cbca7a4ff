import type { PlanRequest, Regulation } from '../../../shared/contract/groups/erasure';
import { LetheError } from '../../../shared/errors';
import { linkToRequest, RequestService } from '../requests';
import type { CoreServices } from '../services';
import type { ErasureDocument } from './document';

/**
 * An erasure started from a request (#19 item 3): the plan takes the request's regulation (a CCPA
 * request is not planned under GDPR by default), and the plan, its audit entries and its receipt
 * name the request. Kept beside the erasure service, which only carries the result along.
 */

const REGULATION_OF: Record<string, Regulation> = { GDPR: 'gdpr', UK_GDPR: 'uk_gdpr', CCPA: 'ccpa', LGPD: 'lgpd' };

export async function planContext(
  s: CoreServices,
  workspaceId: string,
  input: { requestId?: string | undefined; regulation?: Regulation | undefined },
): Promise<{ request: PlanRequest | null; regulation: Regulation }> {
  if (!input.requestId) return { request: null, regulation: input.regulation ?? 'gdpr' };
  const { request } = await new RequestService(s).get({ workspaceId, id: input.requestId });
  const regulation = REGULATION_OF[request.regulation]!;
  if (input.regulation !== undefined && input.regulation !== regulation) {
    throw new LetheError(
      'invalid_input',
      `${request.reference} is a ${request.regulation.replace('_', ' ')} request: plan its erasure under that regulation, or without a request`,
    );
  }
  return { request: { id: request.id, reference: request.reference }, regulation };
}

/** The audit fields that file an erasure entry under its request. */
export function requestFields(doc: Pick<ErasureDocument, 'plan'>): { requestId?: string } {
  return doc.plan.request ? { requestId: doc.plan.request.id } : {};
}

/** The run (and later its receipt) in the request's timeline. */
export async function linkRunToRequest(
  s: CoreServices,
  workspaceId: string,
  doc: Pick<ErasureDocument, 'plan'>,
  kind: 'erasure_run' | 'receipt',
  actor: string,
): Promise<void> {
  if (!doc.plan.request) return;
  await linkToRequest(s, workspaceId, doc.plan.request.id, { kind, ref: doc.plan.id }, actor);
}
