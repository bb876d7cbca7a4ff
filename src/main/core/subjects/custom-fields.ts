import type { SqliteDb } from '../db';
import { identityKeysInText, identityValueKey, keyKind } from './identity-keys';

/**
 * Custom user and organization fields (#12 surface 5). Their values arrive with the users and
 * organizations the sync already exports, so they are read from the cache (an offline review shows
 * them as of the last sync); only their titles come from the helpdesk's field definitions, read
 * when the dossier is built and shown as the key, marked so, when the helpdesk cannot be reached.
 *
 * What belongs to the person: every non-empty value of their own accounts' user fields, and every
 * organization field whose value holds one of their e-mails or phones (an organisation's billing
 * contact, say), whether or not they belong to that organisation: deleting the account leaves
 * those behind.
 */
export interface SubjectCustomField {
  scope: 'user' | 'organization';
  ownerId: number;
  ownerName: string;
  key: string;
  title: string;
  /** false: the helpdesk's definitions could not be read, the title is the key. */
  titleKnown: boolean;
  value: string;
  why: string;
}

export type FieldTitles = { user: ReadonlyMap<string, string>; organization: ReadonlyMap<string, string> } | null;

const scalar = (v: unknown): string | null =>
  typeof v === 'string' ? (v.trim() ? v : null) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

function parse(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function subjectCustomFields(db: SqliteDb, userIds: readonly number[], titles: FieldTitles): SubjectCustomField[] {
  const ids = JSON.stringify(userIds);
  const title = (scope: 'user' | 'organization', key: string): { title: string; titleKnown: boolean } => {
    const t = titles?.[scope].get(key);
    return t ? { title: t, titleKnown: true } : { title: key, titleKnown: false };
  };
  const out: SubjectCustomField[] = [];
  const users = db
    .prepare(`SELECT id, name, email, phone, profile FROM users WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(ids) as Array<{ id: number; name: string; email: string | null; phone: string | null; profile: string | null }>;
  const many = users.length > 1;
  for (const u of users) {
    const uf = parse(u.profile).user_fields;
    const fields = uf && typeof uf === 'object' && !Array.isArray(uf) ? (uf as Record<string, unknown>) : {};
    for (const [key, raw] of Object.entries(fields)) {
      const value = scalar(raw);
      if (value === null) continue;
      out.push({
        scope: 'user',
        ownerId: u.id,
        ownerName: u.name.trim(),
        key,
        ...title('user', key),
        value,
        why: `a field of the person's own profile${many ? ` (account ${u.id})` : ''}`,
      });
    }
  }

  const keys = new Set<string>();
  for (const u of users) {
    if (u.email) keys.add(identityValueKey('email', u.email)!);
    const p = u.phone ? identityValueKey('phone_number', u.phone) : null;
    if (p) keys.add(p);
  }
  const identities = db.prepare(`SELECT type, value FROM identities WHERE user_id IN (SELECT value FROM json_each(?))`).all(ids) as Array<{
    type: string;
    value: string;
  }>;
  for (const i of identities) {
    const k = identityValueKey(i.type, i.value);
    if (k) keys.add(k);
  }
  if (keys.size === 0) return out;
  const orgs = db
    .prepare(
      `SELECT id, name, organization_fields AS fields FROM organizations WHERE organization_fields IS NOT NULL AND deleted = 0 ORDER BY id`,
    )
    .all() as Array<{ id: number; name: string; fields: string }>;
  for (const o of orgs) {
    for (const [key, raw] of Object.entries(parse(o.fields))) {
      const value = scalar(raw);
      if (value === null) continue;
      const hits = [...identityKeysInText(value)].filter((k) => keys.has(k)).map(keyKind);
      if (hits.length === 0) continue;
      out.push({
        scope: 'organization',
        ownerId: o.id,
        ownerName: o.name,
        key,
        ...title('organization', key),
        value,
        why: `an organization field holding the person's ${[...new Set(hits)].sort().join(' and ')}`,
      });
    }
  }
  return out;
}
