import { z } from 'zod';
import { PLAN_ITEM_LABEL_MAX, type PlanSurfaceItem } from '../../../shared/schemas/surfaces';
import type { SqliteDb } from '../db/sqlite';
import type { ZendeskClient } from '../helpdesk';
import { isNotFound, singleOpHandler, checkEach, unlessGone } from '../journal/helpdesk-handlers';
import { identityKeysInText } from '../subjects/identity-keys';
import type { SurfaceDefinition, SurfaceOpPayload } from './types';

/**
 * Custom user and organization fields (#12 surface 5). Values arrive with the users and
 * organizations the sync exports (subjects/custom-fields.ts), so the surface is synced.
 *
 * The erasure: the person's own user fields go with their account (its decision is the account's).
 * An organization field holding their address or number does not: deleting the account leaves it
 * on the organization, so the plan clears it (`PUT /api/v2/organizations/{id}` with the field set
 * to null; the organization and its other fields stay). The whole value is cleared rather than
 * edited, since a contact field with the person's address cut out is no longer true about anyone.
 * A check reads the organization back: the field no longer holding the person's values is done.
 */

const ORG_ITEM = /^organization:(\d{1,15}):(.{1,120})$/;

export const organizationFieldItemId = (orgId: number, key: string): string => `organization:${orgId}:${key}`;

function parseItemId(id: string): { orgId: number; key: string } | null {
  const m = ORG_ITEM.exec(id);
  return m ? { orgId: Number(m[1]), key: m[2]! } : null;
}

const Organization = z.looseObject({
  id: z.number().int(),
  organization_fields: z.record(z.string(), z.unknown()).nullable().optional(),
});

async function fieldValue(client: ZendeskClient, orgId: number, key: string, signal?: AbortSignal): Promise<unknown> {
  try {
    const body = await client.transport.parse(
      { method: 'GET', template: '/api/v2/organizations/{organization_id}', params: { organization_id: orgId }, signal },
      'organization',
      z.looseObject({ organization: Organization }),
    );
    return body.organization.organization_fields?.[key] ?? null;
  } catch (error) {
    // A deleted organization keeps nothing of the person.
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Whether a field's current value still holds one of the person's values (an address, a number). */
function holdsPerson(value: unknown, strings: readonly string[]): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const text = String(value);
  if (!text.trim()) return false;
  const wanted = new Set(strings.flatMap((s) => [...identityKeysInText(s)]));
  if (wanted.size === 0) return text.trim().length > 0;
  return [...identityKeysInText(text)].some((k) => wanted.has(k));
}

/** The value of an organization field as the cache holds it (the journal payload's strings). */
function cachedOrganizationField(db: SqliteDb, itemId: string): string[] {
  const ref = parseItemId(itemId);
  if (!ref) return [];
  const row = db.prepare('SELECT organization_fields AS fields FROM organizations WHERE id = ?').get(ref.orgId) as
    { fields: string | null } | undefined;
  try {
    const value = (JSON.parse(row?.fields ?? '{}') as Record<string, unknown>)[ref.key];
    return typeof value === 'string' && value.trim() ? [value] : [];
  } catch {
    return [];
  }
}

export const customFieldsSurface: SurfaceDefinition = {
  id: 'custom_fields',
  label: 'Custom user and organization fields',
  read: 'synced',
  countFromDossier: (d) => d.summary.customFields,
  planItems(dossier) {
    return dossier.customFields
      .filter((f) => f.scope === 'organization')
      .map((f): PlanSurfaceItem => ({
        surface: 'custom_fields',
        id: organizationFieldItemId(f.ownerId, f.key),
        ticketId: null,
        roles: ['field_value'],
        label: `${f.title}: ${f.value}`.slice(0, PLAN_ITEM_LABEL_MAX),
        decision: 'delete',
        reasonCode: 'organization_field_cleared',
        reason: `Cleared on organization ${f.ownerName || f.ownerId}: ${f.why}; deleting the account would leave it there. The organization and its other fields stay`,
        legalBasis: null,
        fix: null,
      }));
  },
  cachedStrings: cachedOrganizationField,
  handler(client) {
    return singleOpHandler({
      concurrency: 2,
      async send(op, signal) {
        const p = op.payload as unknown as SurfaceOpPayload;
        const ref = parseItemId(p.itemId);
        if (!ref) return { opId: op.id, outcome: 'failed', code: 'invalid_input', message: `not an organization field: ${p.itemId}` };
        // The organization is gone: so is the field.
        await unlessGone(() =>
          client.transport.json({
            method: 'PUT',
            template: '/api/v2/organizations/{organization_id}',
            params: { organization_id: ref.orgId },
            body: { organization: { organization_fields: { [ref.key]: null } } },
            signal,
          }),
        );
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) => {
        const p = op.payload as unknown as SurfaceOpPayload;
        const ref = parseItemId(p.itemId);
        if (!ref) return { opId: op.id, state: 'absent' };
        return holdsPerson(await fieldValue(client, ref.orgId, ref.key, signal), p.strings)
          ? { opId: op.id, state: 'absent' }
          : { opId: op.id, state: 'done' };
      }),
    });
  },
  async stillThere(client, op, signal) {
    const ref = parseItemId(op.itemId);
    return ref ? holdsPerson(await fieldValue(client, ref.orgId, ref.key, signal), op.strings) : false;
  },
};
