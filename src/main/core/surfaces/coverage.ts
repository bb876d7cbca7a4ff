import type { Dossier } from '../../../shared/contract/groups/subjects';
import type { SurfaceCoverage, SurfaceSection } from '../../../shared/schemas/surfaces';
import type { SqliteDb } from '../db/sqlite';
import { ALL_SURFACE_IDS, labelOf, surfaceById } from './registry';
import { countItems, readItems, readLooks } from './store';

/** The row of an on-demand place nobody has searched for this person, and why. */
function notSearched(surface: SurfaceCoverage['surface'], reason: 'not_supported' | 'not_looked', detail: string): SurfaceCoverage {
  return { surface, label: labelOf(surface), read: 'on_demand', searched: false, asOf: null, items: null, reason, detail };
}

/**
 * The coverage table: every known surface, in one order, with searched yes/no, as of when, how
 * many items, or why not. Synced surfaces take the cache's data time and the dossier's counts;
 * on-demand ones their last stored look. Never an empty count for a surface nobody could read.
 */
export function coverageOf(db: SqliteDb, subjectUserId: number, dossier: Pick<Dossier, 'summary' | 'dataAsOf'>): SurfaceCoverage[] {
  const looks = readLooks(db, subjectUserId);
  const counts = countItems(db, subjectUserId);
  return ALL_SURFACE_IDS.map((id): SurfaceCoverage => {
    const def = surfaceById(id);
    const label = labelOf(id);
    if (id === 'compliance_deletion')
      // Zendesk writes these rows only once an account is permanently deleted: there is nothing to
      // search before the erasure, and the run reads them for its receipt.
      return notSearched(
        id,
        'not_looked',
        'Read after the erasure deletes the account for good: the receipt records, per product, what Zendesk reports as deleted and what is still pending.',
      );
    if (def === undefined) return notSearched(id, 'not_supported', 'Lethe does not read this place yet: check it in Zendesk by hand.');
    if (def.read === 'synced')
      return {
        surface: id,
        label,
        read: 'synced',
        searched: true,
        asOf: dossier.dataAsOf,
        items: def.countFromDossier?.(dossier) ?? 0,
        reason: null,
        detail: dossier.dataAsOf === null ? 'The first full sync has not finished: the cache may be incomplete.' : null,
      };
    const look = looks.get(id);
    if (look === undefined) return notSearched(id, 'not_looked', 'Not read for this person yet: look again while connected.');
    return {
      surface: id,
      label,
      read: 'on_demand',
      searched: look.searched,
      asOf: look.asOf,
      items: look.searched ? (counts.get(id) ?? 0) : null,
      reason: look.reason,
      detail: look.detail,
    };
  });
}

/** The items of each searched on-demand surface, for the dossier (the first `limit` of each). */
export function surfaceSections(db: SqliteDb, subjectUserId: number, limit: number | 'all'): SurfaceSection[] {
  const looks = readLooks(db, subjectUserId);
  const out: SurfaceSection[] = [];
  for (const [id, look] of looks) {
    if (!look.searched || surfaceById(id)?.read !== 'on_demand') continue;
    const all = readItems(db, subjectUserId, id);
    const items = (limit === 'all' ? all : all.slice(0, limit)).map(({ surface, id: itemId, ticketId, label, at, roles, why }) => ({
      surface,
      id: itemId,
      ticketId,
      label,
      at,
      roles,
      why,
    }));
    out.push({ surface: id, label: labelOf(id), items, truncated: items.length < all.length });
  }
  return out.sort((a, b) => ALL_SURFACE_IDS.indexOf(a.surface) - ALL_SURFACE_IDS.indexOf(b.surface));
}
