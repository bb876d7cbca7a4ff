// Longer than ~400 lines on purpose: one read of the cache per record type, each feeding the same
// archive input and the same participant roles used for masking; split, the roles would travel between
// files.
import { createReadStream } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ArchiveInputDraft, ArchiveKind, OpenAttachment } from '../archive';
import type { Regulation } from '../../../shared/deadlines/types';
import { LetheError } from '../../../shared/errors';
import { dataAsOf } from '../db/read-api';
import { stmt, type SqliteDb } from '../db/sqlite';
import type { InformationSheet } from '../archive';
import { normalizeIdentityValue } from '../db/normalize';
import { pendingOf, resolvePerson } from './person';
import { formerMatches, type PersonFormer } from './former-identities';
import { identityKeysInText, identityValueKey } from './identity-keys';
import { updateMentionIndex } from './mention-index';
import { subjectRefFor } from './subject-ref';
import { archiveSurfaces, surfaceOtherNames } from './surface-archive';
import type { FieldTitles } from './custom-fields';

/**
 * Turns what the cache holds about one subject into the archive writer's input. The legal rules
 * (what is withheld, what is masked) live in the archive module; this module only states facts:
 * who wrote what, which role every other participant has, and every other participant's
 * addresses and numbers so the writer can mask them wherever they appear in the subject's texts.
 */

const IDS = '(SELECT value FROM json_each(?))';
const ROLE_ORDER = ['requester', 'submitter', 'cc', 'follower', 'commenter', 'assignee'] as const;
type Role = (typeof ROLE_ORDER)[number];

export interface BuildArchiveInputOptions {
  userId: number;
  /** The register, whose identity-link decisions say which accounts are the person. */
  register: SqliteDb;
  kind: ArchiveKind;
  regulation: Regulation;
  requestId: string | null;
  workspace: { id: string; name: string; baseUrl: string };
  /** The organisation name from Settings, shown as who holds the data; null when not set. */
  controllerName?: string | null;
  informationSheet: InformationSheet | null;
  letheVersion: string;
  /** The workspace's cache folder: relative attachment copies live under it. */
  cacheDir: string;
  /** Streams an attachment through the helpdesk API when no local copy exists. */
  download: (contentUrl: string) => Promise<AsyncIterable<Uint8Array> | null>;
  /** Custom field titles from the helpdesk, or null (the keys are shown). */
  fieldTitles?: FieldTitles;
  now?: Date;
}

interface UserRow {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  external_id: string | null;
  organization_id: number | null;
  suspended: number;
  tags: string;
  profile: string | null;
  created_at: string | null;
  updated_at: string | null;
}

const json = <T>(text: string | null, fallback: T): T => {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const isScalar = (v: unknown): v is string | number | boolean | null => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function buildArchiveInput(db: SqliteDb, options: BuildArchiveInputOptions): ArchiveInputDraft {
  const asOf = dataAsOf(db);
  if (asOf === null)
    throw new LetheError(
      'conflict',
      'The cache has not completed a full sync yet, so an archive could not say what it is complete up to; sync first',
    );
  const now = options.now ?? new Date();
  const generatedAt = now.toISOString();
  // Only the person's confirmed accounts: another account that merely shares a number or an
  // address may be someone else, and their data must not reach this person (Art. 15(4)).
  const set = resolvePerson(db, options.register, options.userId);
  const own = new Set(set.userIds);
  const ids = JSON.stringify(set.userIds);

  const users = stmt(db, `SELECT * FROM users WHERE id IN ${IDS} ORDER BY id`).all(ids) as UserRow[];
  const memberships = stmt(
    db,
    `SELECT user_id AS userId, organization_id AS orgId FROM organization_memberships WHERE user_id IN ${IDS}`,
  ).all(ids) as Array<{ userId: number; orgId: number }>;
  const orgIdsOf = (u: UserRow): number[] => [
    ...new Set([
      ...(u.organization_id === null ? [] : [u.organization_id]),
      ...memberships.filter((m) => m.userId === u.id).map((m) => m.orgId),
    ]),
  ];
  const profiles = users.map((u) => {
    const p = json<Record<string, unknown>>(u.profile, {});
    const fields = json<Record<string, unknown>>(typeof p.user_fields === 'object' ? JSON.stringify(p.user_fields) : null, {});
    return {
      userId: u.id,
      name: u.name.trim(),
      email: u.email,
      phone: u.phone,
      role: u.role ?? 'end-user',
      locale: textOrNull(p.locale),
      timeZone: textOrNull(p.iana_time_zone) ?? textOrNull(p.time_zone),
      createdAt: u.created_at ?? u.updated_at ?? generatedAt,
      updatedAt: u.updated_at,
      organizationIds: orgIdsOf(u),
      tags: strings(json(u.tags, [])),
      notes: textOrNull(p.notes),
      details: textOrNull(p.details),
      suspended: u.suspended === 1,
      verified: p.verified === true,
      externalId: u.external_id,
      userFields: Object.fromEntries(Object.entries(fields ?? {}).filter(([, v]) => isScalar(v))) as Record<
        string,
        string | number | boolean | null
      >,
    };
  });

  const identityRows = stmt(
    db,
    `SELECT id, user_id AS userId, type, value, is_primary AS isPrimary, verified, created_at AS createdAt FROM identities WHERE user_id IN ${IDS} ORDER BY id`,
  ).all(ids) as Array<{
    id: number;
    userId: number;
    type: string;
    value: string;
    isPrimary: number;
    verified: number;
    createdAt: string | null;
  }>;
  const identities = identityRows.map((i) => ({
    id: i.id,
    userId: i.userId,
    type: i.type,
    value: i.value,
    verified: i.verified === 1,
    primary: i.isPrimary === 1,
    createdAt: i.createdAt,
  }));

  const orgIds = JSON.stringify([...new Set(profiles.flatMap((p) => p.organizationIds))]);
  const organizations = (
    stmt(db, `SELECT id, name, domain_names, details, notes, tags, created_at FROM organizations WHERE id IN ${IDS} ORDER BY id`).all(
      orgIds,
    ) as Array<{
      id: number;
      name: string;
      domain_names: string;
      details: string | null;
      notes: string | null;
      tags: string;
      created_at: string | null;
    }>
  ).map((o) => ({
    id: o.id,
    name: o.name,
    domainNames: strings(json(o.domain_names, [])),
    details: o.details,
    notes: o.notes,
    tags: strings(json(o.tags, [])),
    createdAt: o.created_at,
  }));

  // Tickets the subject takes part in, with every participant's roles.
  const ownRoles = stmt(db, `SELECT ticket_id AS ticketId, role FROM participants WHERE user_id IN ${IDS}`).all(ids) as Array<{
    ticketId: number;
    role: Role;
  }>;
  const rolesByTicket = new Map<number, Set<Role>>();
  for (const r of ownRoles) {
    const set = rolesByTicket.get(r.ticketId) ?? new Set<Role>();
    set.add(r.role);
    rolesByTicket.set(r.ticketId, set);
  }
  const ticketIds = JSON.stringify([...rolesByTicket.keys()]);
  const ticketRows = stmt(
    db,
    `SELECT id, subject, description, status, submitter_id, tags, custom_fields, via_channel, created_at, updated_at FROM tickets WHERE id IN ${IDS} ORDER BY id`,
  ).all(ticketIds) as Array<{
    id: number;
    subject: string | null;
    description: string | null;
    status: string;
    submitter_id: number | null;
    tags: string;
    custom_fields: string | null;
    via_channel: string | null;
    created_at: string | null;
    updated_at: string | null;
  }>;
  const present = JSON.stringify(ticketRows.map((t) => t.id));
  const allParticipants = stmt(db, `SELECT ticket_id AS ticketId, user_id AS userId, role FROM participants WHERE ticket_id IN ${IDS}`).all(
    present,
  ) as Array<{
    ticketId: number;
    userId: number;
    role: Role;
  }>;
  const comments = stmt(
    db,
    `SELECT id, ticket_id AS ticketId, author_id AS authorId, body, public, created_at AS createdAt FROM comments WHERE ticket_id IN ${IDS} ORDER BY ticket_id, created_at, id`,
  ).all(present) as Array<{
    id: number;
    ticketId: number;
    authorId: number | null;
    body: string;
    public: number;
    createdAt: string | null;
  }>;

  const others = new Set<number>();
  for (const p of allParticipants) if (!own.has(p.userId)) others.add(p.userId);
  for (const c of comments) if (c.authorId !== null && !own.has(c.authorId)) others.add(c.authorId);
  const otherIds = JSON.stringify([...others]);
  const staff = new Map(
    (stmt(db, `SELECT id, role FROM users WHERE id IN ${IDS}`).all(otherIds) as Array<{ id: number; role: string | null }>).map((u) => [
      u.id,
      u.role,
    ]),
  );
  const rolesOfOther = new Map<string, Set<Role>>();
  for (const p of allParticipants) {
    if (own.has(p.userId)) continue;
    const key = `${p.ticketId}:${p.userId}`;
    const set = rolesOfOther.get(key) ?? new Set<Role>();
    set.add(p.role);
    rolesOfOther.set(key, set);
  }
  // Other people appear in the archive by what they are, never by who they are.
  const labelFor = (ticketId: number, userId: number | null) => {
    if (userId === null) return 'system' as const;
    const role = staff.get(userId);
    if (role === 'admin') return 'admin' as const;
    if (role === 'agent') return 'agent' as const;
    const roles = rolesOfOther.get(`${ticketId}:${userId}`);
    if (roles?.has('requester')) return 'other requester' as const;
    if (roles?.has('cc')) return 'cc' as const;
    if (roles?.has('follower')) return 'follower' as const;
    return 'other end user' as const;
  };

  const tickets = ticketRows.flatMap((t) => {
    const roles = rolesByTicket.get(t.id);
    if (roles === undefined || roles.size === 0) return [];
    const otherUsers = [...new Set(allParticipants.filter((p) => p.ticketId === t.id && !own.has(p.userId)).map((p) => p.userId))];
    const custom = json<Record<string, unknown>>(t.custom_fields, {});
    return [
      {
        id: t.id,
        subjectLine: t.subject ?? '',
        description: t.description,
        authoredBySubject: t.submitter_id !== null && own.has(t.submitter_id),
        status: t.status,
        channel: t.via_channel,
        tags: strings(json(t.tags, [])),
        createdAt: t.created_at ?? t.updated_at ?? generatedAt,
        updatedAt: t.updated_at,
        subjectRoles: ROLE_ORDER.filter((r) => roles.has(r)),
        otherParticipants: otherUsers.map((u) => labelFor(t.id, u)),
        customFields: Object.entries(custom ?? {})
          .filter(([, v]) => isScalar(v))
          .map(([id, value]) => ({
            id: id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'field',
            value: value as string | number | boolean | null,
          })),
      },
    ];
  });
  const included = new Set(tickets.map((t) => t.id));
  const archiveComments = comments
    .filter((c) => included.has(c.ticketId))
    .map((c) => {
      const mine = c.authorId !== null && own.has(c.authorId);
      return {
        id: c.id,
        ticketId: c.ticketId,
        createdAt: c.createdAt ?? generatedAt,
        public: c.public === 1,
        authorIsSubject: mine,
        authorUserId: mine ? c.authorId : null,
        authorRole: mine ? null : labelFor(c.ticketId, c.authorId),
        body: c.body,
      };
    });
  const authorOf = new Map(archiveComments.map((c) => [c.id, c.authorIsSubject]));
  const attachmentRows = stmt(
    db,
    `SELECT id, ticket_id AS ticketId, comment_id AS commentId, file_name AS fileName, content_type AS contentType, size, content_url AS contentUrl, local_path AS localPath
       FROM attachments WHERE ticket_id IN ${IDS} ORDER BY id`,
  ).all(JSON.stringify([...included])) as Array<{
    id: number;
    ticketId: number;
    commentId: number;
    fileName: string;
    contentType: string | null;
    size: number | null;
    contentUrl: string | null;
    localPath: string | null;
  }>;
  const attachments = attachmentRows
    .filter((a) => authorOf.has(a.commentId))
    .map((a) => ({
      id: a.id,
      ticketId: a.ticketId,
      commentId: a.commentId,
      fileName: a.fileName.length > 0 ? a.fileName : `attachment-${a.id}`,
      contentType: a.contentType ?? 'application/octet-stream',
      size: a.size ?? 0,
      authorIsSubject: authorOf.get(a.commentId) === true,
    }));
  const sources = new Map(attachmentRows.map((a) => [String(a.id), a]));
  const openAttachment: OpenAttachment = async (id) => {
    const row = sources.get(id);
    if (row === undefined) return null;
    if (row.localPath !== null) {
      const path = isAbsolute(row.localPath) ? row.localPath : join(options.cacheDir, row.localPath);
      const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
      const opened = await new Promise<boolean>((resolve) => {
        stream.once('open', () => resolve(true));
        stream.once('error', () => resolve(false));
      });
      if (opened) return stream;
    }
    if (row.contentUrl === null) return null;
    return options.download(row.contentUrl);
  };

  const otherPeople = otherContacts(db, otherIds);
  const surfaces = archiveSurfaces(db, options.register, options.userId, options.workspace.id, options.fieldTitles ?? null);
  // The agent or supplier of a side conversation is another person too, on a ticket perhaps not the person's.
  otherPeople.names.push(...surfaceOtherNames(db, options.userId));
  // Numbers of people who are not on these tickets (a neighbour named in a comment, an owner in an
  // organization's notes) are only recognisable if they are listed too: look up every number the
  // archive's texts contain.
  const texts = [
    ...archiveComments.filter((c) => c.authorIsSubject || c.public).map((c) => c.body),
    ...tickets.flatMap((t) => [
      t.subjectLine,
      t.description ?? '',
      ...t.customFields.map((f) => (typeof f.value === 'string' ? f.value : '')),
    ]),
    ...organizations.flatMap((o) => [o.notes ?? '', o.details ?? '']),
    ...profiles.flatMap((p) => [
      p.notes ?? '',
      p.details ?? '',
      ...Object.values(p.userFields).map((v) => (typeof v === 'string' ? v : '')),
    ]),
    ...attachments.map((a) => a.fileName),
    ...(surfaces.surfaceItems ?? []).map((i) => JSON.stringify(i.record)),
  ];
  for (const phone of phonesOfOthersIn(db, texts, own)) otherPeople.phones.push(phone);
  const primary = users.find((u) => u.id === options.userId);
  const freeFormers = (type: string): string[] => set.former.filter((f) => f.type === type && f.heldBy.length === 0).map((f) => f.value);
  return {
    subject: {
      ref: subjectRefFor(options.userId),
      displayName: primary?.name.trim() || subjectRefFor(options.userId),
      // A former value nobody else holds is still the person's own (not masked in their texts).
      emails: [...identities.filter((i) => i.type === 'email').map((i) => i.value), ...freeFormers('email')],
      phones: [...identities.filter((i) => i.type === 'phone_number').map((i) => i.value), ...freeFormers('phone_number')],
    },
    workspace: options.workspace,
    controllerName: options.controllerName?.trim() || null,
    kind: options.kind,
    regulation: options.regulation,
    requestId: options.requestId,
    generatedAt,
    dataAsOf: asOf,
    letheVersion: options.letheVersion,
    profiles,
    identities,
    organizations,
    tickets,
    comments: archiveComments,
    attachments,
    otherPeople,
    accountsLeftOut: pendingOf(set).length,
    mentionsLeftOut: mentionsElsewhere(db, identityRows, set.former, own, included),
    ...surfaces,
    informationSheet: options.informationSheet,
    openAttachment,
  };
}

function phonesOfOthersIn(db: SqliteDb, texts: string[], own: Set<number>): string[] {
  const digits = new Set<string>();
  for (const text of texts)
    for (const key of identityKeysInText(text)) if (key.startsWith('p:')) digits.add(normalizeIdentityValue('phone_number', key.slice(2)));
  if (digits.size === 0) return [];
  const rows = stmt(db, `SELECT user_id AS userId, value FROM identities WHERE type = 'phone_number' AND value_normalized IN ${IDS}`).all(
    JSON.stringify([...digits]),
  ) as Array<{ userId: number; value: string }>;
  return rows.filter((r) => !own.has(r.userId)).map((r) => r.value);
}

function otherContacts(db: SqliteDb, otherIds: string): { emails: string[]; phones: string[]; names: string[] } {
  const emails = new Set<string>();
  const phones = new Set<string>();
  const names = new Set<string>();
  const rows = stmt(db, `SELECT name, email, phone FROM users WHERE id IN ${IDS}`).all(otherIds) as Array<{
    name: string | null;
    email: string | null;
    phone: string | null;
  }>;
  for (const r of rows) {
    if (r.name) names.add(r.name);
    if (r.email) emails.add(r.email);
    if (r.phone) phones.add(r.phone);
  }
  const identities = stmt(db, `SELECT type, value FROM identities WHERE user_id IN ${IDS}`).all(otherIds) as Array<{
    type: string;
    value: string;
  }>;
  for (const i of identities) {
    if (i.type === 'email') emails.add(i.value);
    else if (i.type === 'phone_number') phones.add(i.value);
  }
  return { emails: [...emails], phones: [...phones], names: [...names] };
}

/**
 * Comments by other people on tickets the subject takes no part in that quote one of the
 * subject's addresses or numbers (the dossier's mentions). They are somebody else's matter, so the
 * archive does not copy them; it counts them, so the subject learns they exist and can ask.
 */
function mentionsElsewhere(
  db: SqliteDb,
  identities: ReadonlyArray<{ type: string; value: string }>,
  former: readonly PersonFormer[],
  own: Set<number>,
  included: Set<number>,
): number {
  const keys = new Set(identities.map((i) => identityValueKey(i.type, i.value)).filter((k): k is string => k !== null));
  // The dossier's rule for former values (former-identities.ts): one someone else holds today
  // counts only in comments from before the replacement that its new holder did not write.
  const formerOf = new Map<string, PersonFormer>();
  for (const f of former) {
    const key = identityValueKey(f.type, f.value);
    if (key !== null && !keys.has(key)) formerOf.set(key, f);
  }
  if (keys.size + formerOf.size === 0) return 0;
  updateMentionIndex(db);
  const rows = stmt(
    db,
    `SELECT k.key, k.comment_id AS commentId, c.ticket_id AS ticketId, c.author_id AS authorId, c.created_at AS createdAt
       FROM comment_identity_keys k JOIN comments c ON c.id = k.comment_id WHERE k.key IN ${IDS}`,
  ).all(JSON.stringify([...keys, ...formerOf.keys()])) as Array<{
    key: string;
    commentId: number;
    ticketId: number;
    authorId: number | null;
    createdAt: string | null;
  }>;
  const counted = new Set<number>();
  for (const r of rows) {
    if (included.has(r.ticketId) || (r.authorId !== null && own.has(r.authorId))) continue;
    const was = formerOf.get(r.key);
    if (was !== undefined && !formerMatches(was, r)) continue;
    counted.add(r.commentId);
  }
  return counted.size;
}
