import type { ErasurePlan, PlanTicket } from '../../../shared/contract/groups/erasure';
import { PLAN_ITEM_LABEL_MAX, type PlanSurfaceItem } from '../../../shared/schemas/surfaces';
import type { SqliteDb } from '../db/sqlite';
import { buildDossier } from '../subjects/dossier';
import { coverageOf, onDemandSurfaces, readItems, SURFACES } from '../surfaces';

/**
 * The plan's surfaces: the coverage table as of the last look, and a decision with its reason for
 * every item an on-demand surface found. Offline, like the rest of the plan: the live look is the
 * revalidation's (service.revalidate), which re-reads the surfaces and plans them again.
 */
export function planSurfaces(
  db: SqliteDb,
  register: SqliteDb,
  workspaceId: string,
  requestedUserId: number,
  tickets: readonly PlanTicket[],
): Pick<ErasurePlan, 'coverage' | 'surfaceItems'> {
  const dossier = buildDossier(db, register, requestedUserId, { workspaceId, limit: 1, mentionIndexCaughtUp: true });
  const byTicket = new Map(tickets.map((t) => [t.ticketId, t.decision]));
  const surfaceItems: PlanSurfaceItem[] = [];
  for (const def of onDemandSurfaces()) {
    if (!def.decide) continue;
    for (const item of readItems(db, requestedUserId, def.id)) {
      const d = def.decide(item, { ticketDecision: (id) => byTicket.get(id) });
      surfaceItems.push({
        surface: def.id,
        id: item.id,
        ticketId: item.ticketId,
        roles: item.roles,
        label: item.label.slice(0, PLAN_ITEM_LABEL_MAX),
        ...d,
      });
    }
  }
  // Synced surfaces with an erasure step of their own (organization fields holding the person).
  for (const def of SURFACES) if (def.planItems) surfaceItems.push(...def.planItems(dossier));
  return { coverage: coverageOf(db, requestedUserId, dossier), surfaceItems };
}
