import type { ArchiveInputDraft } from '../archive';
import type { ArchiveSurfaceItem } from '../archive/input';
import type { SqliteDb } from '../db/sqlite';
import { coverageOf, onDemandSurfaces, readItems } from '../surfaces';
import type { FieldTitles, SubjectCustomField } from './custom-fields';
import { buildDossier } from './dossier';

/**
 * An organization field holding the person's address or number (#12 surface 5) as an archive item.
 * Their own profile's fields are already in the profile; these are not, and deleting the account
 * leaves them behind, so the person is told. Written by agents: never in portability.
 */
function organizationFieldItem(f: SubjectCustomField): ArchiveSurfaceItem {
  return {
    surface: 'custom_fields',
    id: `organization:${f.ownerId}:${f.key}`,
    ticketId: null,
    label: `${f.title} of ${f.ownerName || `organization ${f.ownerId}`}`,
    at: null,
    roles: ['field_value'],
    why: f.why,
    record: { organization: f.ownerName, organizationId: f.ownerId, field: f.title, value: f.value },
    provided: null,
  };
}

/** The archive's coverage table and the on-demand surfaces' items, as of their last look. */
export function archiveSurfaces(
  db: SqliteDb,
  register: SqliteDb,
  userId: number,
  workspaceId: string,
  fieldTitles: FieldTitles = null,
): Pick<ArchiveInputDraft, 'coverage' | 'surfaceItems'> {
  const dossier = buildDossier(db, register, userId, { workspaceId, limit: 1, mentionIndexCaughtUp: true, fieldTitles });
  const surfaceItems = onDemandSurfaces().flatMap((def) =>
    readItems(db, userId, def.id).map(({ surface, id, ticketId, label, at, roles, why, record, provided }) => ({
      surface,
      id,
      ticketId,
      label,
      at,
      roles,
      why,
      record,
      provided,
    })),
  );
  const fieldItems = dossier.customFields.filter((f) => f.scope === 'organization').map(organizationFieldItem);
  return { coverage: coverageOf(db, userId, dossier), surfaceItems: [...surfaceItems, ...fieldItems] };
}

/** Other people named inside the on-demand surfaces' items (for the archive's name masking). */
export function surfaceOtherNames(db: SqliteDb, userId: number): string[] {
  const names = new Set<string>();
  for (const def of onDemandSurfaces())
    for (const item of readItems(db, userId, def.id)) for (const n of item.otherNames ?? []) names.add(n);
  return [...names];
}
