/**
 * Surfaces: every place the helpdesk keeps a person, and what Lethe did about each one.
 *
 * The officer sees one coverage table per person (dossier, access archive report, erasure plan
 * and receipt, `lethe subjects show --json`, `lethe erase plan`): every surface, searched or not
 * and why not, as of when, how many items. A surface never reports zero when it could not look.
 *
 * How to add a surface (e.g. `suspended_tickets`):
 *  1. Its id must be in SURFACE_IDS (src/shared/schemas/surfaces.ts; append only) and its label in
 *     UNSUPPORTED_LABELS (registry.ts). Until step 3 it shows as "not searched: not_supported".
 *  2. Write `surfaces/<id>.ts` exporting a SurfaceDefinition (types.ts):
 *     - `read: 'on_demand'` and `look(ctx)`: read the person's items live through `ctx.client`
 *       (`client.transport.parse` with a path template, so the scheduler, retries and the
 *       conformance suite see it). Return FoundItems: role(s), why it matched, the whole record
 *       (access archive), what the person provided (portability) and the personal strings inside.
 *       Let errors propagate: look.ts turns 403/404/other into permission/not_enabled/error.
 *     - `decide(item, ctx)`: the erasure decision with its reason code and words (delete, redact,
 *       keep with the legal basis, blocked with the fix).
 *     - `handler(client)`: the journal OperationHandler for kind `surface.<id>` (send + a read-only
 *       check, so a resumed run never sends twice), and `stillThere` for verification.
 *     (`read: 'synced'` surfaces live in the cache's own tables and give `countFromDossier`; one with
 *     an erasure step of its own also gives `planItems`, `cachedStrings`, `handler` and `stillThere`:
 *     custom-fields.ts.)
 *  3. Add it to SURFACES in registry.ts. The dossier, archives, plan, journal, verification and
 *     receipt pick it up from there; its items are kept in the cache per look (store.ts, no
 *     migration needed).
 *  4. Serve it in src/sim the way Zendesk does, with ground truth per subject in truth.ts, and
 *     add its spec'd endpoints to the conformance suite.
 */
export { coverageOf, surfaceSections } from './coverage';
export { lookSurfaces, lookOne, type LookOptions } from './look';
export { SURFACES, surfaceById, onDemandSurfaces, labelOf, ALL_SURFACE_IDS } from './registry';
export { saveLook, readLooks, readItems, countItems, forgetLooks, type LookOutcome, type StoredLook } from './store';
export {
  surfaceOpKind,
  type SurfaceDefinition,
  type FoundItem,
  type SubjectKeys,
  type LookContext,
  type DecideContext,
  type SurfaceOpPayload,
} from './types';
