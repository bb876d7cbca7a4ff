// Longer than ~400 lines: the generator, the search semantics and the routes share the record view
// and its overlay; a split (generator / search / routes) is the next step if it grows.
import { isoSeconds, type Dataset } from './dataset';
import { HttpError, badRequest, invalid, paginate, type Ctx, type Router } from './http';
import { Reply } from './jobs';
import { hash } from './rng';
import type { SimState } from './state';
import { SIM_STREAM } from './streams';

/**
 * Custom objects (Zendesk's "new" custom objects, in its OAS under /api/v2/custom_objects): two
 * objects an account might define, a Device register and Warranty claims, whose records point at
 * end users through lookup fields (`type: lookup`, `relationship_target_type: zen:user`) and
 * sometimes carry a person's address in a text field only. Generated lazily per index on their own
 * hash stream: a quarter of the devices are in stock (no owner), a fifth of those registered by
 * e-mail only (the address in `contact_email`, some typed in capitals); a warranty claim is made by
 * the requester of a ticket it links to (claim 0 links ticket index 2, which is on legal hold),
 * handled by an agent, its description sometimes holding the claimant's address.
 *
 * Paths, envelopes and pagination follow the OAS: the object and field listings, records (cursor
 * pagination only), text search (`GET .../records/search?query=`), filtered search (`POST
 * .../records/search` with `{filter: {...}}`, `$and`/`$or` of `$eq`/`$in` comparisons), show,
 * update (`PATCH`, `custom_object_record.custom_object_fields` and the record's `name` and
 * `external_id` beside them, as Zendesk's update takes them; a required field or the name cannot
 * be cleared: 422) and delete (204). An account without custom objects answers 404 on every path:
 * a Zendesk community thread ("Search API help", 2023) shows `GET /api/v2/custom_objects` on an
 * account without the feature answering 404 with `{"error":{"title":"Not Found","message":...}}`.
 */

const STREAM = SIM_STREAM.customObjects;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MODELS = ['Aero 5 kettle', 'Brio espresso', 'Cirrus air purifier', 'Delta robot vacuum', 'Echo smart lamp'];
const TEXT_TYPES = new Set(['text', 'textarea', 'regexp']);

interface FieldDef {
  key: string;
  title: string;
  type: string;
  target?: string;
  required?: boolean;
}
interface ObjectDef {
  key: string;
  title: string;
  plural: string;
  description: string;
  fields: FieldDef[];
}

export const CUSTOM_OBJECTS: readonly ObjectDef[] = [
  {
    key: 'device',
    title: 'Device',
    plural: 'Devices',
    description: 'Registered customer devices',
    fields: [
      { key: 'owner', title: 'Owner', type: 'lookup', target: 'zen:user' },
      { key: 'serial_number', title: 'Serial number', type: 'text' },
      { key: 'model', title: 'Model', type: 'text' },
      { key: 'contact_email', title: 'Contact e-mail', type: 'text' },
      { key: 'purchased_on', title: 'Purchased on', type: 'date' },
    ],
  },
  {
    key: 'warranty_claim',
    title: 'Warranty claim',
    plural: 'Warranty claims',
    description: 'Warranty claims and their outcome',
    fields: [
      { key: 'claimant', title: 'Claimant', type: 'lookup', target: 'zen:user', required: true },
      { key: 'handled_by', title: 'Handled by', type: 'lookup', target: 'zen:user' },
      { key: 'ticket', title: 'Ticket', type: 'lookup', target: 'zen:ticket' },
      { key: 'device_serial', title: 'Device serial', type: 'text' },
      { key: 'description', title: 'Description', type: 'textarea' },
      { key: 'approved', title: 'Approved', type: 'checkbox' },
    ],
  },
];

/** How many records each object has: scaled with the dataset, capped so a search stays a scan. */
export function recordCount(ds: Dataset, objectIndex: number): number {
  return objectIndex === 0
    ? Math.min(20_000, Math.max(10, Math.floor(ds.ticketCount / 4)))
    : Math.min(10_000, Math.max(6, Math.floor(ds.ticketCount / 8)));
}

const base32 = (n: number, width: number): string => {
  let s = '';
  let v = Math.floor(n);
  for (let i = 0; i < width; i++) {
    s = CROCKFORD[v % 32]! + s;
    v = Math.floor(v / 32);
  }
  return s;
};

/** A ULID-shaped id (26 characters, Crockford base32) that encodes the object and the index. */
export function recordId(ds: Dataset, o: number, k: number): string {
  return `01J${base32(o, 1)}${base32(k, 6)}${base32(hash(ds.seed, STREAM, o, k), 7)}${base32(hash(ds.seed, STREAM, k, o + 9), 7)}${base32(k % 32, 2)}`;
}

function parseId(ds: Dataset, o: number, id: string): number | undefined {
  if (!/^01J[0-9A-Z]{23}$/.test(id)) return undefined;
  let k = 0;
  for (const ch of id.slice(4, 10)) k = k * 32 + CROCKFORD.indexOf(ch);
  return k < recordCount(ds, o) && recordId(ds, o, k) === id ? k : undefined;
}

function endUser(ds: Dataset, a: number, b: number): number | undefined {
  for (let tries = 0; tries < 8; tries++) {
    const i = 2 + (hash(ds.seed, STREAM, a, b * 16 + tries) % Math.max(1, ds.userCount - 2));
    if (!ds.isAgentIndex(i) && ds.primaryEmail(i) !== null) return i;
  }
  return undefined;
}

function agent(ds: Dataset, k: number): number {
  for (let tries = 0; tries < 32; tries++) {
    const i = hash(ds.seed, STREAM, k, 900 + tries) % ds.userCount;
    if (ds.isAgentIndex(i)) return i;
  }
  return 0;
}

type Fields = Record<string, string | boolean | null>;

/** The generated fields of record k (before any update). */
function generatedFields(ds: Dataset, o: number, k: number): { name: string; fields: Fields } {
  const h = (b: number): number => hash(ds.seed, STREAM, o * 1_000_000 + k, b);
  if (o === 0) {
    const owner = h(1) % 4 === 0 ? undefined : endUser(ds, k, 2);
    const serial = `SN-${base32(h(3), 8)}`;
    const model = MODELS[h(4) % MODELS.length]!;
    let contact: string | null = null;
    if (owner !== undefined && h(5) % 3 === 0) contact = ds.primaryEmail(owner);
    if (owner === undefined && h(5) % 5 < 2) {
      const byMail = endUser(ds, k, 6);
      contact = byMail === undefined ? null : ds.primaryEmail(byMail);
    }
    if (contact && h(7) % 4 === 0) contact = contact.toUpperCase();
    const purchased = isoSeconds(ds.epochMs - (10 + (h(8) % 700)) * 86_400_000).slice(0, 10);
    return {
      name: `${model} ${serial}`,
      fields: {
        owner: owner === undefined ? null : String(ds.userId(owner)),
        serial_number: serial,
        model,
        contact_email: contact,
        purchased_on: purchased,
      },
    };
  }
  const ti = k === 0 && ds.ticketCount > 2 ? 2 : h(1) % ds.ticketCount;
  const requester = ds.ticketHead(ti).requester;
  const linked = !ds.isAgentIndex(requester) && ds.primaryEmail(requester) !== null;
  const claimant = linked ? requester : (endUser(ds, k, 3) ?? 2);
  const email = ds.primaryEmail(claimant);
  const phone = ds.phone(claimant);
  const serial = `SN-${base32(h(4), 8)}`;
  const writes = h(5) % 2 === 0 && email !== null;
  return {
    name: `Claim ${1000 + k}`,
    fields: {
      claimant: String(ds.userId(claimant)),
      handled_by: h(6) % 3 === 0 ? null : String(ds.userId(agent(ds, k))),
      ticket: linked ? String(ds.ticketId(ti)) : null,
      device_serial: serial,
      description: writes
        ? `Stopped working after a month. Please write to ${email}${phone ? ` or call ${phone}` : ''}.`
        : 'Stopped working after a month; customer asks for a replacement.',
      approved: h(7) % 2 === 0,
    },
  };
}

interface Overlay {
  deleted: Set<string>;
  updated: Map<string, { fields: Fields; name: string; externalId: string | null; atMs: number; by: number }>;
  enabled: boolean;
  trouble: { status: number; times: number } | null;
}
const overlays = new WeakMap<SimState, Overlay>();
function overlay(state: SimState): Overlay {
  let o = overlays.get(state);
  if (!o) overlays.set(state, (o = { deleted: new Set(), updated: new Map(), enabled: true, trouble: null }));
  return o;
}

/** Turns custom objects off (a plan without them): every custom-object path answers 404. */
export function setCustomObjectsEnabled(state: SimState, enabled: boolean): void {
  overlay(state).enabled = enabled;
}

/**
 * Scripted trouble for the record searches and listings: the next `times` answer `status` (a 404
 * while the object itself still answers: a search path that misbehaves, not a deleted object).
 */
export function troubleCustomObjects(state: SimState, status: 404 | 429 | 500 | 503, times: number): void {
  overlay(state).trouble = { status, times };
}

export interface CustomObjectRecordView {
  objectKey: string;
  id: string;
  name: string;
  externalId: string | null;
  fields: Fields;
  createdMs: number;
  updatedMs: number;
  updatedBy: number | null;
}

function view(state: SimState, o: number, k: number): CustomObjectRecordView | undefined {
  const ds = state.ds;
  const id = recordId(ds, o, k);
  const ov = overlay(state);
  if (ov.deleted.has(id)) return undefined;
  const g = generatedFields(ds, o, k);
  const up = ov.updated.get(id);
  const createdMs = ds.epochMs - (20 + (hash(ds.seed, STREAM, o, k + 77) % 900)) * 3_600_000;
  return {
    objectKey: CUSTOM_OBJECTS[o]!.key,
    id,
    name: up ? up.name : g.name,
    externalId: up ? up.externalId : null,
    fields: up ? up.fields : g.fields,
    createdMs,
    updatedMs: up ? up.atMs : createdMs,
    updatedBy: up ? up.by : null,
  };
}

function* records(state: SimState, o: number): Generator<CustomObjectRecordView> {
  for (let k = 0; k < recordCount(state.ds, o); k++) {
    const v = view(state, o, k);
    if (v) yield v;
  }
}

function recordJson(state: SimState, r: CustomObjectRecordView, base: string): Record<string, unknown> {
  const creator = String(state.ds.userId(0));
  return {
    id: r.id,
    name: r.name,
    custom_object_key: r.objectKey,
    custom_object_fields: { ...r.fields },
    external_id: r.externalId,
    photo: null,
    created_by_user_id: creator,
    updated_by_user_id: r.updatedBy === null ? creator : String(r.updatedBy),
    created_at: isoSeconds(r.createdMs),
    updated_at: isoSeconds(r.updatedMs),
    url: `${base}/api/v2/custom_objects/${r.objectKey}/records/${r.id}`,
  };
}

function objectJson(ds: Dataset, def: ObjectDef, base: string): Record<string, unknown> {
  const at = isoSeconds(ds.epochMs - 400 * 86_400_000);
  return {
    key: def.key,
    title: def.title,
    title_pluralized: def.plural,
    raw_title: def.title,
    raw_title_pluralized: def.plural,
    description: def.description,
    raw_description: def.description,
    include_in_list_view: true,
    allows_photos: false,
    allows_attachments: false,
    created_by_user_id: String(ds.userId(0)),
    updated_by_user_id: String(ds.userId(0)),
    created_at: at,
    updated_at: at,
    url: `${base}/api/v2/custom_objects/${def.key}`,
  };
}

function fieldJson(ds: Dataset, o: number, f: FieldDef, position: number, base: string): Record<string, unknown> {
  const at = isoSeconds(ds.epochMs - 400 * 86_400_000);
  const id = 4_400_000_000 + o * 100 + position;
  return {
    id,
    key: f.key,
    type: f.type,
    title: f.title,
    raw_title: f.title,
    description: f.title,
    raw_description: f.title,
    position,
    active: true,
    system: false,
    required: f.required ?? false,
    regexp_for_validation: null,
    ...(f.target ? { relationship_target_type: f.target, relationship_filter: {} } : {}),
    created_at: at,
    updated_at: at,
    url: `${base}/api/v2/custom_objects/${CUSTOM_OBJECTS[o]!.key}/fields/${id}`,
  };
}

function gate(ctx: Ctx): void {
  if (!overlay(ctx.state).enabled)
    throw new HttpError(404, { error: { title: 'Not Found', message: 'Custom objects are not available on this account' } });
}

function trouble(ctx: Ctx): void {
  const t = overlay(ctx.state).trouble;
  if (!t || t.times <= 0) return;
  t.times--;
  if (t.status === 429) throw new HttpError(429, { error: 'TooManyRequests' }, { 'Retry-After': '1' });
  if (t.status === 404) throw new HttpError(404, { error: 'RecordNotFound', description: 'Not found' });
  throw new HttpError(t.status, { error: 'InternalServerError' });
}

function objectIndex(ctx: Ctx): number {
  gate(ctx);
  const o = CUSTOM_OBJECTS.findIndex((d) => d.key === ctx.params.custom_object_key);
  if (o < 0) throw new HttpError(404, { error: 'RecordNotFound', description: 'Not found' });
  return o;
}

function recordIndex(ctx: Ctx, o: number): CustomObjectRecordView {
  const k = parseId(ctx.state.ds, o, ctx.params.custom_object_record_id ?? '');
  const v = k === undefined ? undefined : view(ctx.state, o, k);
  if (!v) throw new HttpError(404, { error: 'RecordNotFound', description: 'Not found' });
  return v;
}

/** Cursor pagination only (the OAS says so for records): 100 a page when page[size] is absent. */
function cursorOnly(ctx: Ctx, items: readonly unknown[], key: string): Record<string, unknown> {
  const query = new URLSearchParams(ctx.query);
  if (!query.has('page[size]')) query.set('page[size]', '100');
  const url = new URL(ctx.url.toString());
  url.search = query.toString();
  const page = paginate({ ...ctx, query, url }, items, key);
  return { ...page, count: items.length };
}

function sorted(ctx: Ctx, rows: CustomObjectRecordView[]): CustomObjectRecordView[] {
  const sort = ctx.query.get('sort');
  if (sort === null || sort === '') return rows;
  const desc = sort.startsWith('-');
  const by = desc ? sort.slice(1) : sort;
  const value = (r: CustomObjectRecordView): string | number =>
    by === 'name' ? r.name : by === 'created_at' ? r.createdMs : by === 'updated_at' ? r.updatedMs : by === 'id' ? r.id : NaN;
  if (!['name', 'created_at', 'updated_at', 'id'].includes(by)) throw badRequest(`Invalid sort: ${sort}`, 'InvalidParameter');
  return [...rows].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) * (desc ? -1 : 1));
}

/** Text search: a record matches when a word of a text field starts with a word of the query (case-insensitive). */
function matchesQuery(o: number, r: CustomObjectRecordView, query: string): boolean {
  const terms = query
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t.length > 0 && t !== '*');
  if (terms.length === 0) return true;
  const texts = [r.name, r.externalId, ...CUSTOM_OBJECTS[o]!.fields.filter((f) => TEXT_TYPES.has(f.type)).map((f) => r.fields[f.key])];
  const words = texts.flatMap((t) => (typeof t === 'string' ? t.toLowerCase().split(/[\s,;:<>()"']+/) : []));
  return terms.some((term) => words.some((w) => w.startsWith(term)));
}

type Filter = Record<string, unknown>;

/** Filtered search: `$and`/`$or` of comparisons on `custom_object_fields.<key>`, `name`, `external_id`. */
function matchesFilter(o: number, r: CustomObjectRecordView, filter: Filter): boolean {
  return Object.entries(filter).every(([attr, cond]) => {
    if (attr === '$and' || attr === '$or') {
      if (!Array.isArray(cond)) throw badRequest(`${attr} must be an array`, 'InvalidFilter');
      const parts = cond.map((c) => {
        if (!c || typeof c !== 'object' || Array.isArray(c)) throw badRequest(`${attr} items must be objects`, 'InvalidFilter');
        return matchesFilter(o, r, c as Filter);
      });
      return attr === '$and' ? parts.every(Boolean) : parts.some(Boolean);
    }
    let actual: unknown;
    if (attr.startsWith('custom_object_fields.')) {
      const key = attr.slice('custom_object_fields.'.length);
      if (!CUSTOM_OBJECTS[o]!.fields.some((f) => f.key === key)) throw badRequest(`Unknown field: ${key}`, 'InvalidFilter');
      actual = r.fields[key];
    } else if (attr === 'name') actual = r.name;
    else if (attr === 'external_id') actual = r.externalId;
    else throw badRequest(`Unsupported filter attribute: ${attr}`, 'InvalidFilter');
    if (!cond || typeof cond !== 'object' || Array.isArray(cond)) throw badRequest(`${attr} needs a comparison object`, 'InvalidFilter');
    return Object.entries(cond as Record<string, unknown>).every(([op, value]) => {
      const same = (v: unknown): boolean => actual !== null && actual !== undefined && String(actual) === String(v);
      if (op === '$eq') return same(value);
      if (op === '$noteq') return !same(value);
      if (op === '$in') {
        if (!Array.isArray(value)) throw badRequest('$in needs an array', 'InvalidFilter');
        return value.some(same);
      }
      throw badRequest(`Unsupported operator: ${op}`, 'InvalidFilter');
    });
  });
}

function updateRecord(ctx: Ctx, o: number, r: CustomObjectRecordView): CustomObjectRecordView {
  const body = ctx.body as { custom_object_record?: { custom_object_fields?: unknown; name?: unknown; external_id?: unknown } } | null;
  const record = body?.custom_object_record;
  const fields = record?.custom_object_fields ?? (record && ('name' in record || 'external_id' in record) ? {} : undefined);
  if (!fields || typeof fields !== 'object' || Array.isArray(fields))
    throw badRequest('Request body must contain custom_object_record.custom_object_fields', 'InvalidParameter');
  let name = r.name;
  if (record?.name !== undefined) {
    if (typeof record.name !== 'string' || record.name.trim() === '') throw invalid('name', 'Name is required', 'BlankValue');
    name = record.name;
  }
  let externalId = r.externalId;
  if (record?.external_id !== undefined) {
    if (record.external_id !== null && typeof record.external_id !== 'string')
      throw invalid('external_id', 'External ID must be text', 'InvalidValue');
    externalId = record.external_id === '' ? null : record.external_id;
  }
  const next: Fields = { ...r.fields };
  for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
    const def = CUSTOM_OBJECTS[o]!.fields.find((f) => f.key === key);
    if (!def) throw invalid(key, `${key} is not a field of this object`, 'InvalidValue');
    if (value === null || value === '') {
      if (def.required) throw invalid(key, `${def.title} is required`, 'BlankValue');
      next[key] = null;
      continue;
    }
    if (def.type === 'checkbox') {
      if (typeof value !== 'boolean') throw invalid(key, `${def.title} must be true or false`, 'InvalidValue');
      next[key] = value;
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw invalid(key, `${def.title} must be text`, 'InvalidValue');
    if (def.target === 'zen:user' && ctx.state.ds.userIndex(Number(value)) === undefined)
      throw invalid(key, `${def.title} must point at a user`, 'InvalidValue');
    next[key] = String(value);
  }
  overlay(ctx.state).updated.set(r.id, { fields: next, name, externalId, atMs: ctx.state.now(), by: ctx.caller.userId });
  return { ...r, name, externalId, fields: next, updatedMs: ctx.state.now(), updatedBy: ctx.caller.userId };
}

export function registerCustomObjectRoutes(r: Router): void {
  r.add('GET', '/api/v2/custom_objects', (ctx) => {
    gate(ctx);
    return { custom_objects: CUSTOM_OBJECTS.map((d) => objectJson(ctx.state.ds, d, ctx.base)) };
  });
  r.add('GET', '/api/v2/custom_objects/:custom_object_key', (ctx) => ({
    custom_object: objectJson(ctx.state.ds, CUSTOM_OBJECTS[objectIndex(ctx)]!, ctx.base),
  }));
  r.add('GET', '/api/v2/custom_objects/:custom_object_key/fields', (ctx) => {
    const o = objectIndex(ctx);
    const defs = CUSTOM_OBJECTS[o]!.fields;
    const standard: FieldDef[] =
      ctx.query.get('include_standard_fields') === 'true'
        ? [
            { key: 'standard::name', title: 'Name', type: 'text', required: true },
            { key: 'standard::external_id', title: 'External ID', type: 'text' },
          ]
        : [];
    const all = [...standard, ...defs].map((f, i) => fieldJson(ctx.state.ds, o, f, i, ctx.base));
    return paginate(ctx, all, 'custom_object_fields');
  });
  r.add('GET', '/api/v2/custom_objects/:custom_object_key/records/search', (ctx) => {
    const o = objectIndex(ctx);
    trouble(ctx);
    const query = ctx.query.get('query') ?? '';
    return cursorPage(ctx, o, (rec) => matchesQuery(o, rec, query));
  });
  r.add('POST', '/api/v2/custom_objects/:custom_object_key/records/search', (ctx) => {
    const o = objectIndex(ctx);
    trouble(ctx);
    const body = ctx.body as { filter?: unknown } | null;
    const filter = body?.filter;
    if (filter !== undefined && (!filter || typeof filter !== 'object' || Array.isArray(filter)))
      throw badRequest('filter must be an object', 'InvalidFilter');
    const query = ctx.query.get('query') ?? '';
    return cursorPage(ctx, o, (rec) => matchesQuery(o, rec, query) && (filter === undefined || matchesFilter(o, rec, filter as Filter)));
  });
  r.add('GET', '/api/v2/custom_objects/:custom_object_key/records', (ctx) => {
    const o = objectIndex(ctx);
    trouble(ctx);
    const ids = ctx.query.get('filter[ids]');
    const wanted = ids ? new Set(ids.split(',').map((s) => s.trim())) : null;
    return cursorPage(ctx, o, (rec) => wanted === null || wanted.has(rec.id));
  });
  r.add('GET', '/api/v2/custom_objects/:custom_object_key/records/:custom_object_record_id', (ctx) => {
    const o = objectIndex(ctx);
    return { custom_object_record: recordJson(ctx.state, recordIndex(ctx, o), ctx.base) };
  });
  r.add('PATCH', '/api/v2/custom_objects/:custom_object_key/records/:custom_object_record_id', (ctx) => {
    const o = objectIndex(ctx);
    const rec = updateRecord(ctx, o, recordIndex(ctx, o));
    return { custom_object_record: recordJson(ctx.state, rec, ctx.base) };
  });
  r.add('DELETE', '/api/v2/custom_objects/:custom_object_key/records/:custom_object_record_id', (ctx) => {
    const o = objectIndex(ctx);
    overlay(ctx.state).deleted.add(recordIndex(ctx, o).id);
    return new Reply(204, undefined);
  });
}

function cursorPage(ctx: Ctx, o: number, keep: (r: CustomObjectRecordView) => boolean): Record<string, unknown> {
  const rows = sorted(ctx, [...records(ctx.state, o)].filter(keep));
  const page = cursorOnly(ctx, rows, 'custom_object_records');
  page.custom_object_records = (page.custom_object_records as CustomObjectRecordView[]).map((rec) => recordJson(ctx.state, rec, ctx.base));
  return page;
}

export interface CustomObjectTruth {
  objectKey: string;
  id: string;
  /** Fields whose lookup points at one of the subject's accounts. */
  lookups: string[];
  /** Text fields holding one of the subject's addresses (case-insensitive). */
  texts: string[];
}

const ADDRESS = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** Whole addresses only: ann@x.com is not held by a text naming joann@x.com. */
function holdsAddress(v: unknown, addresses: readonly string[]): boolean {
  if (typeof v !== 'string') return false;
  const written = new Set([...v.matchAll(ADDRESS)].map((m) => m[0].toLowerCase()));
  return addresses.some((a) => written.has(a));
}

/**
 * Ground truth: the live records that hold the subject: a `zen:user` lookup field pointing at one
 * of their accounts, or its name, external id or a text field holding one of their e-mail
 * addresses, whole (case-insensitively).
 * A name alone does not count (Lethe does not match on names: too many people share one).
 */
export function customObjectRecordsOf(state: SimState, userIds: readonly number[], emails: readonly string[]): CustomObjectTruth[] {
  if (!overlay(state).enabled) return [];
  const own = new Set(userIds.map(String));
  const addresses = emails.map((e) => e.toLowerCase());
  const out: CustomObjectTruth[] = [];
  CUSTOM_OBJECTS.forEach((def, o) => {
    for (const rec of records(state, o)) {
      const lookups = def.fields.filter((f) => f.target === 'zen:user' && own.has(String(rec.fields[f.key]))).map((f) => f.key);
      const texts = [
        ...(holdsAddress(rec.name, addresses) ? ['name'] : []),
        ...(holdsAddress(rec.externalId, addresses) ? ['external_id'] : []),
        ...def.fields.filter((f) => TEXT_TYPES.has(f.type) && holdsAddress(rec.fields[f.key], addresses)).map((f) => f.key),
      ];
      if (lookups.length > 0 || texts.length > 0) out.push({ objectKey: def.key, id: rec.id, lookups, texts });
    }
  });
  return out;
}
