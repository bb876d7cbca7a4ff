import { z } from 'zod';
import type { FieldChange, RectifyFields } from '../../../shared/contract/groups/actions';
import { LetheError } from '../../../shared/errors';
import { applyOrganizationsPage, type SqliteDb } from '../db';
import { splitOrganizations } from '../sync/map-records';
import { writeWhenFree } from '../db/write-when-free';
import type { ZendeskClient } from '../helpdesk';
import type { CheckResult, JournalOperation, NewOperation, OperationHandler } from '../journal';
import { checkEach, failedOrUnknown, isNotFound, singleOpHandler } from '../journal/helpdesk-handlers';
import { subjectCustomFields } from '../subjects/custom-fields';

/**
 * Rectification of organization fields that hold the person (#12 surface 5): an organisation's
 * billing contact still reads the person's old address after their profile was corrected. Only a
 * field the person's dossier lists as holding one of their addresses or numbers can be changed
 * here (anything else is someone else's record), to a new value or cleared. The write is
 * `PUT /api/v2/organizations/{id}` with that one key (Zendesk merges `organization_fields`), one
 * journal operation per field; the send reads first and the check reads back, so a resend changes
 * nothing twice.
 */

export const ORGANIZATION_FIELD_OP = 'organization.updateField';

export interface OrganizationFieldPayload {
  organizationId: number;
  key: string;
  /** The value to write; null clears the field. */
  value: string | null;
  /** The value seen when the rectification was prepared (revalidation compares with it). */
  before: string | null;
}

type Requested = NonNullable<RectifyFields['organizationFields']>[number];

const Organization = z.looseObject({
  id: z.number().int(),
  organization_fields: z.record(z.string(), z.unknown()).nullable().optional(),
});

const text = (v: unknown): string | null =>
  typeof v === 'string' ? (v.trim() ? v : null) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

export const fieldName = (p: Pick<OrganizationFieldPayload, 'organizationId' | 'key'>): string =>
  `organization_fields.${p.organizationId}.${p.key}`;

async function readOrganization(client: ZendeskClient, orgId: number, signal?: AbortSignal): Promise<z.infer<typeof Organization>> {
  const body = await client.transport.parse(
    { method: 'GET', template: '/api/v2/organizations/{organization_id}', params: { organization_id: orgId }, signal },
    'organization',
    z.looseObject({ organization: Organization }),
  );
  return body.organization;
}

/** The field's value now, or `gone` when the organization no longer exists. */
export async function liveOrganizationField(
  client: ZendeskClient,
  orgId: number,
  key: string,
  signal?: AbortSignal,
): Promise<string | null | 'gone'> {
  try {
    return text((await readOrganization(client, orgId, signal)).organization_fields?.[key]);
  } catch (error) {
    if (isNotFound(error)) return 'gone';
    throw error;
  }
}

/**
 * What a rectification changes in organization fields: the fields asked for must be among the
 * ones holding the person in the cache (their confirmed accounts' addresses and numbers); the
 * value compared against is the live one when the helpdesk answers (`live`), else the cache's.
 */
export async function organizationFieldChanges(
  db: SqliteDb,
  userIds: readonly number[],
  requested: readonly Requested[],
  live: ZendeskClient | null,
): Promise<{ diff: FieldChange[]; ops: NewOperation[] }> {
  if (requested.length === 0) return { diff: [], ops: [] };
  const holding = new Map(
    subjectCustomFields(db, userIds, null)
      .filter((f) => f.scope === 'organization')
      .map((f) => [`${f.ownerId}:${f.key}`, f.value]),
  );
  const diff: FieldChange[] = [];
  const ops: NewOperation[] = [];
  for (const r of requested) {
    const cached = holding.get(`${r.organizationId}:${r.key}`);
    if (cached === undefined)
      throw new LetheError(
        'invalid_input',
        `Field ${r.key} of organization ${r.organizationId} does not hold this person's address or number (as the cache has it): rectification changes only what holds them`,
      );
    const now = live ? await liveOrganizationField(live, r.organizationId, r.key) : cached;
    if (now === 'gone') throw new LetheError('not_found', `Organization ${r.organizationId} no longer exists in the helpdesk`);
    const next = r.value === null || r.value === '' ? null : r.value;
    if (now === next) continue;
    const payload: OrganizationFieldPayload = { organizationId: r.organizationId, key: r.key, value: next, before: now };
    diff.push({ field: fieldName(payload), before: now, after: next });
    ops.push({
      ref: `org-field-${r.organizationId}-${r.key}`,
      stage: 1,
      kind: ORGANIZATION_FIELD_OP,
      targets: [r.organizationId],
      payload: payload as never,
    });
  }
  return { diff, ops };
}

const GONE = { code: 'organization_gone', message: 'The organization no longer exists in the helpdesk' } as const;

export function organizationFieldHandler(client: ZendeskClient): OperationHandler {
  const payloadOf = (op: JournalOperation) => op.payload as unknown as OrganizationFieldPayload;
  return singleOpHandler({
    concurrency: 2,
    async send(op, signal) {
      const p = payloadOf(op);
      const now = await liveOrganizationField(client, p.organizationId, p.key, signal);
      if (now === 'gone') return { opId: op.id, outcome: 'failed', ...GONE };
      if (now === p.value) return { opId: op.id, outcome: 'done', result: { alreadyApplied: true } };
      await client.transport.json({
        method: 'PUT',
        template: '/api/v2/organizations/{organization_id}',
        params: { organization_id: p.organizationId },
        body: { organization: { organization_fields: { [p.key]: p.value } } },
        signal,
      });
      return { opId: op.id, outcome: 'done' };
    },
    onError: (op, error) => (isNotFound(error) ? { opId: op.id, outcome: 'failed', ...GONE } : failedOrUnknown(op, error)),
    check: checkEach(async (op, signal): Promise<CheckResult> => {
      const p = payloadOf(op);
      const now = await liveOrganizationField(client, p.organizationId, p.key, signal);
      if (now === 'gone') return { opId: op.id, state: 'failed', ...GONE };
      return now === p.value ? { opId: op.id, state: 'done' } : { opId: op.id, state: 'absent' };
    }),
  });
}

/** Whether the planned organization field changes still start from what was seen (or are already applied). */
export async function organizationFieldsUnchanged(
  client: ZendeskClient,
  ops: readonly JournalOperation[],
): Promise<true | { code: string; message: string }> {
  for (const op of ops) {
    if (op.kind !== ORGANIZATION_FIELD_OP || op.state !== 'planned') continue;
    const p = op.payload as unknown as OrganizationFieldPayload;
    const now = await liveOrganizationField(client, p.organizationId, p.key);
    if (now === 'gone') return { code: 'subject_gone', message: GONE.message };
    if (now !== p.value && now !== p.before)
      return {
        code: 'changed_upstream',
        message: `Field ${p.key} of organization ${p.organizationId} changed in the helpdesk since the rectification was prepared; prepare it again`,
      };
  }
  return true;
}

/** The organizations a rectification changed, re-read into the cache (without touching the sync's positions). */
export async function refreshOrganizations(db: SqliteDb, client: ZendeskClient, orgIds: readonly number[]): Promise<void> {
  for (const id of new Set(orgIds)) {
    let org: Awaited<ReturnType<ZendeskClient['getOrganization']>>;
    try {
      // The whole record, parsed as the sync parses it: the cache's row is written from it.
      org = await client.getOrganization(id);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    const { live } = splitOrganizations([org]);
    await writeWhenFree(db, () => applyOrganizationsPage(db, live, { record: false }));
  }
}
