import { z } from 'zod';
import type { SurfaceRole } from '../../../shared/schemas/surfaces';
import { HelpdeskError, type ZendeskClient } from '../helpdesk';
import { cursorPages } from '../helpdesk/pagination';
import { isNotFound, singleOpHandler, checkEach, unlessGone } from '../journal/helpdesk-handlers';
import type { Json } from '../journal/types';
import { emailKey, identityKeysInText } from '../subjects/identity-keys';
import type { FoundItem, SurfaceDefinition, SurfaceOpPayload } from './types';

/**
 * Custom object records that hold the person (#12 surface 8), read on demand: an account defines
 * its own objects, so a look lists them (`GET /api/v2/custom_objects`) and their fields, then per
 * object asks Zendesk's filtered search (`POST .../records/search`, `{filter: {$or: [{
 * "custom_object_fields.<lookup>": {$eq: "<user id>"}}]}}`, sorted so it is not capped at 10,000)
 * for the records whose `zen:user` lookup fields point at one of the person's accounts, and the
 * text search (`GET .../records/search?query=<address>`) for records whose text fields hold one of
 * their addresses. Text matches are confirmed here (the search matches word beginnings); a name
 * alone is not matched (many people share one), but a name inside a matched record is cleared
 * with it. No listing of every record: the searches are one or two calls per object.
 *
 * An account without custom objects answers 404 (not searched: not_enabled); an object whose
 * records the token may not read answers 403 (not searched: permission), never "nothing found".
 *
 * Decisions: a record linked to a ticket the plan keeps is kept with it; a record that exists for
 * the person (a required lookup points at them) is deleted, unless another user lookup names
 * someone else (then it is blocked: deleting it would take their data, the required lookup cannot
 * be emptied); otherwise the record is the organisation's (a device in its register) and only
 * the person is cleared out of it (`PATCH` with their lookups set to null and their whole
 * addresses taken out of its name, external id and text fields).
 */

const CustomObject = z.looseObject({ key: z.string().min(1).max(100), title: z.string().nullish() });
const Field = z.looseObject({
  key: z.string(),
  type: z.string(),
  title: z.string().nullish(),
  active: z.boolean().nullish(),
  required: z.boolean().nullish(),
  relationship_target_type: z.string().nullish(),
});
type Field = z.infer<typeof Field>;
const ObjectRecord = z.looseObject({
  id: z.string().min(1).max(100),
  name: z.string().nullish(),
  external_id: z.string().nullish(),
  custom_object_fields: z.record(z.string(), z.unknown()).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
type ObjectRecord = z.infer<typeof ObjectRecord>;

const TEXT_TYPES = new Set(['text', 'textarea', 'regexp']);
const PAGE = 100;
const RECORD_PATH = '/api/v2/custom_objects/{custom_object_key}/records/{custom_object_record_id}';
const SEARCH_PATH = '/api/v2/custom_objects/{custom_object_key}/records/search';

/** What the decision needs beyond a FoundItem, kept with the item in the cache. */
interface CustomObjectItem extends FoundItem {
  objectTitle?: string;
  /** Titles of the lookup fields pointing at the person that must have a value (the record exists for them). */
  requiredLinks?: string[];
  /** Other users the record's user lookups name (a claim's handling agent): the record is not the person's alone. */
  others?: Array<{ field: string; userId: string }>;
}

const usable = (f: Field): boolean => f.active !== false;
const titleOf = (f: Field): string => f.title ?? f.key;
const textOf = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

async function fieldsOf(client: ZendeskClient, key: string, signal?: AbortSignal): Promise<Field[] | null> {
  const out: Field[] = [];
  let url: string | undefined;
  // The OAS lists no page parameters for this call; an account has at most 100 fields an object,
  // and a next_page, if Zendesk sends one, is followed as it is.
  for (let pages = 0; pages < 20; pages++) {
    let body: { custom_object_fields: Field[]; next_page?: string | null | undefined };
    try {
      body = await client.transport.parse(
        { method: 'GET', template: '/api/v2/custom_objects/{custom_object_key}/fields', params: { custom_object_key: key }, url, signal },
        'custom_object_fields',
        z.looseObject({ custom_object_fields: z.array(Field), next_page: z.string().nullish() }),
      );
    } catch (error) {
      // The object was deleted between the listing and this call: it holds nobody now.
      if (isNotFound(error) && (await objectGone(client, key, signal))) return null;
      throw unexplained404(error, key);
    }
    out.push(...body.custom_object_fields);
    if (!body.next_page) break;
    url = body.next_page;
  }
  return out;
}

/**
 * A 404 on an object's fields or records means it was deleted only if the object itself is gone
 * too; otherwise the 404 is unexplained and must not pass for "nothing found".
 */
async function objectGone(client: ZendeskClient, key: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.transport.json({
      method: 'GET',
      template: '/api/v2/custom_objects/{custom_object_key}',
      params: { custom_object_key: key },
      signal,
    });
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

/** A 404 from an object that still exists is an error (not searched: error), not a missing feature. */
function unexplained404(error: unknown, key: string): unknown {
  if (!isNotFound(error)) return error;
  const operation = `custom object ${key} records`;
  return new HelpdeskError('helpdesk_error', `The records of custom object ${key} answered 404 though the object exists`, operation);
}

async function searchAll(
  client: ZendeskClient,
  key: string,
  extra: { query?: string; filter?: Json },
  signal?: AbortSignal,
): Promise<ObjectRecord[]> {
  const out: ObjectRecord[] = [];
  const listing = {
    spec:
      extra.filter !== undefined
        ? {
            method: 'POST' as const,
            template: SEARCH_PATH,
            params: { custom_object_key: key },
            query: { sort: 'created_at' },
            body: { filter: extra.filter },
            // A search changes nothing: safe to send again after a 5xx or 429.
            idempotent: true,
            signal,
          }
        : {
            method: 'GET' as const,
            template: SEARCH_PATH,
            params: { custom_object_key: key },
            query: { query: extra.query ?? '', sort: 'created_at' },
            signal,
          },
    key: 'custom_object_records',
    item: ObjectRecord,
  };
  for await (const page of cursorPages(client.transport, listing, PAGE)) out.push(...page.items);
  return out;
}

export const customObjectsSurface: SurfaceDefinition = {
  id: 'custom_objects',
  label: 'Custom object records',
  read: 'on_demand',
  async look({ client, subject, signal }) {
    const { custom_objects: objects } = await client.transport.parse(
      { method: 'GET', template: '/api/v2/custom_objects', signal },
      'custom_objects',
      z.looseObject({ custom_objects: z.array(CustomObject) }),
    );
    const ids = new Set(subject.userIds.map(String));
    const emails = subject.emails.map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0);
    const names = subject.names.filter((n) => n.length >= 3);
    const out: CustomObjectItem[] = [];
    for (const object of objects) {
      const fields = await fieldsOf(client, object.key, signal);
      if (fields === null) continue;
      const lookups = fields.filter((f) => usable(f) && f.type === 'lookup' && f.relationship_target_type === 'zen:user');
      const ticketLinks = fields.filter((f) => usable(f) && f.type === 'lookup' && f.relationship_target_type === 'zen:ticket');
      const texts = fields.filter((f) => usable(f) && TEXT_TYPES.has(f.type));
      const found = new Map<string, ObjectRecord>();
      try {
        if (lookups.length > 0 && ids.size > 0) {
          const filter = { $or: lookups.flatMap((f) => [...ids].map((id) => ({ [`custom_object_fields.${f.key}`]: { $eq: id } }))) };
          for (const r of await searchAll(client, object.key, { filter }, signal)) found.set(r.id, r);
        }
        if (texts.length > 0)
          for (const email of emails) for (const r of await searchAll(client, object.key, { query: email }, signal)) found.set(r.id, r);
      } catch (error) {
        if (isNotFound(error) && (await objectGone(client, object.key, signal))) continue; // deleted meanwhile, as above
        throw unexplained404(error, object.key);
      }
      for (const r of found.values()) {
        const item = toItem(object.title ?? object.key, object.key, r, { lookups, ticketLinks, texts }, ids, emails, names);
        if (item) out.push(item);
      }
    }
    return out;
  },
  decide(item, ctx) {
    const c = item as CustomObjectItem;
    const what = c.objectTitle ?? 'custom object';
    const ticket = item.ticketId === null ? undefined : ctx.ticketDecision(item.ticketId);
    if (ticket === 'keep')
      return {
        decision: 'keep',
        reasonCode: 'ticket_kept',
        reason: `Kept with ticket ${item.ticketId}, which it is part of (a ${what} record the ticket’s exemption covers)`,
        legalBasis: 'the ticket’s exemption (see the ticket’s decision)',
        fix: null,
      };
    const required = c.requiredLinks ?? [];
    const others = c.others ?? [];
    if (required.length > 0 && others.length > 0) {
      const named = others.map((o) => `user ${o.userId} (${o.field})`).join(', ');
      return {
        decision: 'blocked',
        reasonCode: 'custom_object_shared',
        reason: `A ${what} record that exists for the person (its ${required.join(', ')} field must point at someone) also names ${named}: deleting it would take their data too, and the required field cannot be emptied`,
        legalBasis: null,
        fix: `The record also names ${named}; clear or reassign it in Zendesk, then plan again`,
      };
    }
    if (required.length > 0)
      return {
        decision: 'delete',
        reasonCode: 'custom_object_record',
        reason: `A ${what} record that exists for the person (its ${required.join(', ')} field must point at someone): deleted`,
        legalBasis: null,
        fix: null,
      };
    return {
      decision: 'redact',
      reasonCode: 'custom_object_cleared',
      reason: `The ${what} record is the organisation’s: the person is cleared out of it (lookups to them emptied, their address and name taken out of its text), the record stays`,
      legalBasis: null,
      fix: null,
    };
  },
  handler(client) {
    return singleOpHandler({
      concurrency: 2,
      async send(op, signal) {
        const p = op.payload as unknown as SurfaceOpPayload;
        const { key, id } = splitItemId(p.itemId);
        if (p.decision === 'delete') {
          await unlessGone(() =>
            client.transport.json({
              method: 'DELETE',
              template: RECORD_PATH,
              params: { custom_object_key: key, custom_object_record_id: id },
              signal,
            }),
          );
          return { opId: op.id, outcome: 'done' };
        }
        const record = await read(client, key, id, signal);
        const changes = record ? clearing(record, p.strings, await userLookupsOf(client, key, signal)) : null;
        if (changes && changesAny(changes))
          await client.transport.json({
            method: 'PATCH',
            template: RECORD_PATH,
            params: { custom_object_key: key, custom_object_record_id: id },
            // Zendesk's update takes the record's name and external id beside its fields.
            body: {
              custom_object_record: {
                ...(changes.name === undefined ? {} : { name: changes.name }),
                ...(changes.externalId === undefined ? {} : { external_id: changes.externalId }),
                custom_object_fields: changes.fields,
              },
            },
            // The same fields set to the same values: safe to send again.
            idempotent: true,
            signal,
          });
        return { opId: op.id, outcome: 'done' };
      },
      check: checkEach(async (op, signal) => {
        const p = op.payload as unknown as SurfaceOpPayload;
        return (await holds(client, p, signal)) ? { opId: op.id, state: 'absent' } : { opId: op.id, state: 'done' };
      }),
    });
  },
  stillThere: (client, op, signal) => holds(client, op, signal),
};

function toItem(
  objectTitle: string,
  objectKey: string,
  r: ObjectRecord,
  f: { lookups: Field[]; ticketLinks: Field[]; texts: Field[] },
  ids: ReadonlySet<string>,
  emails: readonly string[],
  names: readonly string[],
): CustomObjectItem | null {
  const values = r.custom_object_fields ?? {};
  const idOf = (l: Field): string | null => {
    const v = values[l.key];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const linkedBy = f.lookups.filter((l) => ids.has(idOf(l) ?? ''));
  const others = f.lookups.flatMap((l) => {
    const id = idOf(l);
    return id !== null && id !== '' && !ids.has(id) ? [{ field: titleOf(l), userId: id }] : [];
  });
  // The record's own name and external id are text the person's address can be written in too.
  const texts: Array<{ title: string; value: string | null }> = [
    { title: 'name', value: textOf(r.name) },
    { title: 'external id', value: textOf(r.external_id) },
    ...f.texts.map((t) => ({ title: titleOf(t), value: textOf(values[t.key]) })),
  ];
  const holding = texts.filter((t) => t.value !== null && addressesIn(t.value, emails).length > 0);
  if (linkedBy.length === 0 && holding.length === 0) return null;
  const roles: SurfaceRole[] = [];
  const why: string[] = [];
  if (linkedBy.length > 0) {
    roles.push('linked');
    why.push(`its ${linkedBy.map(titleOf).join(', ')} field (a lookup to users) points at one of the person’s accounts`);
  }
  if (holding.length > 0) {
    roles.push('mentioned');
    why.push(
      `its ${holding.map((t) => t.title).join(', ')} field holds the person’s e-mail address (text is matched on addresses, never on a name alone)`,
    );
  }
  // The person's values inside the record, as the record holds them: their account ids in the
  // lookups, and every address or name of theirs in its text (cleared with them).
  const strings = new Set<string>(linkedBy.map((l) => idOf(l)!));
  for (const t of texts) {
    if (t.value === null) continue;
    for (const a of addressesIn(t.value, emails)) strings.add(a);
    for (const n of names) if (wordPattern(n).test(t.value)) strings.add(n);
  }
  const ticketValue = f.ticketLinks.map((t) => values[t.key]).find((v) => typeof v === 'string' || typeof v === 'number');
  const ticketId = ticketValue !== undefined && /^\d{1,15}$/.test(String(ticketValue)) ? Number(ticketValue) : null;
  return {
    surface: 'custom_objects',
    id: `${objectKey}:${r.id}`,
    ticketId,
    label: `${objectTitle}: ${r.name ?? r.id}`,
    at: r.updated_at ?? r.created_at ?? null,
    roles,
    why: `A ${objectTitle} record: ${why.join('; ')}`,
    record: { object: objectTitle, ...(JSON.parse(JSON.stringify(r)) as Record<string, Json>) },
    // Records are written by agents and integrations, not by the person: nothing for portability.
    provided: null,
    strings: [...strings],
    objectTitle,
    requiredLinks: linkedBy.filter((l) => l.required === true).map(titleOf),
    others,
  };
}

/** The person's addresses written in `text`, whole (ann@x.com is not inside joann@x.com), as written. */
function addressesIn(text: string, emails: readonly string[]): string[] {
  const keys = identityKeysInText(text);
  return emails.filter((e) => keys.has(emailKey(e))).flatMap((e) => text.match(addressPattern(e)) ?? []);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole address: no address character before it, no domain character (or dot and more domain) after it. */
function addressPattern(address: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}._%+-])${escape(address)}(?![\\p{L}\\p{N}-]|\\.[\\p{L}\\p{N}])`, 'giu');
}

/** A whole word or phrase (a name): no letter or digit either side. */
function wordPattern(words: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escape(words)}(?![\\p{L}\\p{N}])`, 'giu');
}

function splitItemId(itemId: string): { key: string; id: string } {
  const at = itemId.indexOf(':');
  return { key: itemId.slice(0, at), id: itemId.slice(at + 1) };
}

async function read(client: ZendeskClient, key: string, id: string, signal?: AbortSignal): Promise<ObjectRecord | null> {
  try {
    const body = await client.transport.parse(
      { method: 'GET', template: RECORD_PATH, params: { custom_object_key: key, custom_object_record_id: id }, signal },
      'custom_object_record',
      z.looseObject({ custom_object_record: ObjectRecord }),
    );
    return body.custom_object_record;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * The changes that leave the record without the person: a `zen:user` lookup to one of their
 * accounts becomes null (account ids are matched in user lookups only, never in a ticket lookup
 * or a number); in the name, external id and text fields their whole addresses and their name are
 * replaced (another address that merely contains theirs is left alone); a field that held nothing
 * else becomes null (the name, which Zendesk requires, keeps the marker).
 */
function clearing(record: ObjectRecord, strings: readonly string[], userLookups: ReadonlySet<string>): ClearingChanges {
  const ids = new Set(strings.filter((s) => /^\d+$/.test(s)));
  const patterns = strings.filter((s) => !/^\d+$/.test(s)).map((s) => (s.includes('@') ? addressPattern(s) : wordPattern(s)));
  const cleared = (value: string): string => patterns.reduce((v, p) => v.replace(p, '[redacted]'), value);
  const out: ClearingChanges = { fields: {} };
  for (const [key, value] of Object.entries(record.custom_object_fields ?? {})) {
    if (value === null || value === undefined) continue;
    if (userLookups.has(key)) {
      if (ids.has(String(value))) out.fields[key] = null;
      continue;
    }
    if (typeof value !== 'string') continue;
    const next = cleared(value);
    if (next !== value) out.fields[key] = next.trim() === '[redacted]' ? null : next;
  }
  const name = textOf(record.name);
  if (name !== null && cleared(name) !== name) out.name = cleared(name);
  const external = textOf(record.external_id);
  if (external !== null && cleared(external) !== external)
    out.externalId = cleared(external).trim() === '[redacted]' ? null : cleared(external);
  return out;
}

interface ClearingChanges {
  fields: Record<string, Json>;
  name?: string;
  externalId?: string | null;
}

const changesAny = (c: ClearingChanges): boolean => Object.keys(c.fields).length > 0 || c.name !== undefined || c.externalId !== undefined;

/** The keys of the object's `zen:user` lookups (the only fields an account id is matched in). */
async function userLookupsOf(client: ZendeskClient, key: string, signal?: AbortSignal): Promise<Set<string>> {
  const fields = (await fieldsOf(client, key, signal)) ?? [];
  return new Set(fields.filter((f) => f.type === 'lookup' && f.relationship_target_type === 'zen:user').map((f) => f.key));
}

/** Does the item still hold the person: deleted ones by existing at all, cleared ones by holding their values. */
async function holds(client: ZendeskClient, p: SurfaceOpPayload, signal?: AbortSignal): Promise<boolean> {
  const { key, id } = splitItemId(p.itemId);
  const record = await read(client, key, id, signal);
  if (record === null) return false;
  if (p.decision === 'delete') return true;
  return changesAny(clearing(record, p.strings, await userLookupsOf(client, key, signal)));
}
