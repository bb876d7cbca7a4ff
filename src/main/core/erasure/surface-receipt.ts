import type { ErasurePlan } from '../../../shared/contract/groups/erasure';
import type { ReceiptSurface, SurfaceId } from '../../../shared/schemas/surfaces';
import type { JournalOperation } from '../journal';
import { surfaceOpKind } from '../surfaces';

/**
 * The receipt's coverage table: per surface, searched or why not, as of when, items found, the
 * decisions, and how many of the person's items verification still saw there. Counts only: no id,
 * no value. Synced surfaces are counted by the receipt's own ticket and account figures.
 */
export function receiptSurfaces(
  plan: ErasurePlan,
  ops: readonly JournalOperation[],
  stillThere: Partial<Record<SurfaceId, number>> | null | undefined,
): ReceiptSurface[] {
  const items = plan.surfaceItems ?? [];
  return (plan.coverage ?? []).map((c): ReceiptSurface => {
    const mine = items.filter((i) => i.surface === c.surface);
    const byDecision: Record<string, number> = {};
    for (const i of mine) byDecision[i.decision] = (byDecision[i.decision] ?? 0) + 1;
    const kindOps = ops.filter((o) => o.kind === surfaceOpKind(c.surface));
    const left =
      (c.read === 'on_demand' || kindOps.length > 0) && c.searched
        ? (stillThere?.[c.surface] ?? kindOps.filter((o) => o.state !== 'done').length)
        : null;
    return {
      surface: c.surface,
      searched: c.searched,
      reason: c.reason,
      asOf: c.asOf,
      found: c.items,
      byDecision,
      leftAfterVerification: left,
    };
  });
}
