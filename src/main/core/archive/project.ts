import { planSurfaceRecords } from './surfaces';
import { othersProtection, portabilityScope } from './citations';
import { UniqueNames, safeExtension, safeFileName } from './file-names';
import type { ArchiveInput, Attachment, Comment, Profile, Ticket } from './input';
import { createRedactor, type RedactionCounts, type TextRedactor } from './redact-text';

/**
 * Decides what goes into an archive: the legal rules (Art. 15(4), 20(1), 20(4)) live here and
 * nowhere else, as a pure function of the input, so each rule can be tested without writing a ZIP.
 */

export type OutputRecord = Record<string, unknown>;

export const RECORD_TYPES = ['profile', 'identities', 'organizations', 'tickets', 'comments', 'attachments'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export interface Exclusion {
  category: string;
  count: number;
  reason: string;
}

export interface PlannedAttachment {
  id: string;
  path: string;
  /** Deflate only what is likely to shrink; see compressionLevelFor. */
  level: number;
  /** The output record; `size`, `included` and `note` are settled once the bytes are streamed. */
  record: OutputRecord;
}

export interface ArchivePlan {
  /** Record types written as data files; portability leaves some out entirely. */
  records: Partial<Record<Exclude<RecordType, 'attachments'>, OutputRecord[]>>;
  attachments: PlannedAttachment[];
  /** Items of the surfaces read on demand (archive/surfaces.ts), written as data/other-places.json. */
  surfaces: OutputRecord[];
  exclusions: Exclusion[];
  redactions: Readonly<RedactionCounts>;
  counts: { profiles: number; identities: number; organizations: number; tickets: number; comments: number; commentsWithheld: number };
}

export interface PlanOptions {
  /** Entry names are not encrypted by ZIP encryption, so encrypted archives keep file names inside only. */
  hideFileNames: boolean;
}

export function planArchive(input: ArchiveInput, options: PlanOptions): ArchivePlan {
  const redactor = redactorFor(input);
  const access = input.kind === 'access';
  const exclusions: Exclusion[] = [];
  const exclude = (category: string, count: number, reason: string) => {
    if (count > 0) exclusions.push({ category, count, reason });
  };
  const others = othersProtection(input.regulation, input.kind);
  const scope = portabilityScope(input.regulation);

  const profile = input.profiles.map((p) => (access ? accessProfile(p, redactor) : portableProfile(p)));
  exclude(
    'accounts_not_confirmed',
    input.accountsLeftOut,
    'other helpdesk accounts share an e-mail address or phone number with yours, but nobody has confirmed they are yours (a shared number or mailbox can belong to someone else); ask us if one of them is yours',
  );
  exclude(
    'mentions_on_other_tickets',
    input.mentionsLeftOut,
    `comments other people wrote on tickets you take no part in quote your email address or phone number; they are about someone else's matter and are not copied here (${others}); ask us if you want them with the other people's details masked`,
  );
  if (!access) {
    exclude(
      'profile_fields',
      input.profiles.length,
      `role, tags, notes, details, organization membership, custom fields and account flags are kept by us, not provided by you (${scope})`,
    );
  }
  const identities = input.identities.map((i) => ({
    id: i.id,
    userId: i.userId,
    type: i.type,
    value: i.value,
    verified: i.verified,
    primary: i.primary,
    createdAt: i.createdAt,
  }));

  const organizations = access
    ? input.organizations.map((o) => ({
        id: o.id,
        name: o.name,
        domainNames: o.domainNames,
        details: redactor.redactNullable(o.details),
        notes: redactor.redactNullable(o.notes),
        tags: o.tags,
        createdAt: o.createdAt,
      }))
    : undefined;
  if (!access) exclude('organizations', input.organizations.length, `organization records are kept by us, not provided by you (${scope})`);

  const tickets = access
    ? input.tickets.map((t) => accessTicket(t, redactor))
    : input.tickets.filter((t) => t.authoredBySubject).map((t) => portableTicket(t, redactor));
  if (access) {
    exclude(
      'ticket_descriptions_by_others',
      input.tickets.filter((t) => !t.authoredBySubject && t.description !== null).length,
      `the opening text of tickets written by someone else is withheld (${others})`,
    );
  } else {
    exclude(
      'tickets_not_written_by_you',
      input.tickets.filter((t) => !t.authoredBySubject).length,
      `tickets someone else opened (${scope}; ${others})`,
    );
    exclude(
      'ticket_metadata',
      input.tickets.filter((t) => t.authoredBySubject).length,
      `status, priority, tags, channel and custom fields of your tickets are set by us, not provided by you (${scope})`,
    );
  }

  const attachmentsByComment = new Map<string, Attachment[]>();
  for (const a of input.attachments) {
    const list = attachmentsByComment.get(a.commentId);
    if (list === undefined) attachmentsByComment.set(a.commentId, [a]);
    else list.push(a);
  }
  const ownComments = input.comments.filter((c) => c.authorIsSubject);
  const otherComments = input.comments.filter((c) => !c.authorIsSubject);
  // Art. 15(4) asks to protect others, not to hide the conversation: a public reply to the subject
  // (an agent's answer, another requester's comment on a shared ticket) is the subject's data too,
  // so it goes in with the other people's addresses, numbers and names masked. Internal notes
  // were never addressed to the subject and are about the helpdesk's work: listed, not shown.
  const repliesShown = access ? otherComments.filter((c) => c.public) : [];
  const notesWithheld = access ? otherComments.filter((c) => !c.public) : [];
  const commentRecords: OutputRecord[] = [];
  for (const c of input.comments) {
    if (c.authorIsSubject) commentRecords.push(ownComment(c, redactor, attachmentsByComment.get(c.id) ?? []));
    else if (access && c.public) commentRecords.push(replyToSubject(c, redactor));
    else if (access) commentRecords.push(withheldComment(c, others));
  }
  if (access) {
    exclude(
      'internal_notes_by_others',
      notesWithheld.length,
      `internal notes written by our staff are listed with their role and date only, content withheld (${others})`,
    );
  } else {
    exclude('comments_by_others', otherComments.length, `other people's comments are left out (${scope}; ${others})`);
  }

  const names = new UniqueNames();
  const attachments = input.attachments
    .filter((a) => a.authorIsSubject)
    .map((a) => planAttachment(a, redactor, names, options.hideFileNames));
  exclude('attachments_by_others', input.attachments.length - attachments.length, `files other people uploaded are left out (${others})`);

  const surfaces = planSurfaceRecords(input, redactor, scope);
  exclusions.push(...surfaces.exclusions);

  // Counted while the texts above were masked, so these come last.
  exclude(
    'email_addresses_of_others',
    redactor.counts.emails,
    `email addresses of other people inside the texts are masked as [redacted email] (${others})`,
  );
  exclude('names_of_others', redactor.counts.names, `names of other people inside the texts are masked as [redacted name] (${others})`);
  exclude(
    'phone_numbers_of_others',
    redactor.counts.phones,
    `phone numbers of other people inside the texts are masked as [redacted phone] (${others})`,
  );

  const records: ArchivePlan['records'] = { profile, identities, tickets, comments: commentRecords };
  if (organizations !== undefined) records.organizations = organizations;
  return {
    records,
    attachments,
    surfaces: surfaces.records,
    exclusions,
    redactions: redactor.counts,
    counts: {
      profiles: profile.length,
      identities: identities.length,
      organizations: organizations?.length ?? 0,
      tickets: tickets.length,
      comments: ownComments.length + repliesShown.length,
      commentsWithheld: notesWithheld.length,
    },
  };
}

function redactorFor(input: ArchiveInput): TextRedactor {
  const ownEmails = [...input.subject.emails, ...input.profiles.flatMap((p) => (p.email === null ? [] : [p.email]))];
  const ownPhones = [...input.subject.phones, ...input.profiles.flatMap((p) => (p.phone === null ? [] : [p.phone]))];
  for (const identity of input.identities) {
    if (identity.value.includes('@')) ownEmails.push(identity.value);
    else if (/phone/i.test(identity.type)) ownPhones.push(identity.value);
  }
  return createRedactor({
    ownEmails,
    ownPhones,
    otherEmails: input.otherPeople.emails,
    otherPhones: input.otherPeople.phones,
    otherNames: input.otherPeople.names,
    ownNames: [input.subject.displayName, ...input.profiles.map((p) => p.name)],
  });
}

function accessProfile(p: Profile, redactor: TextRedactor): OutputRecord {
  return {
    userId: p.userId,
    name: p.name,
    email: p.email,
    phone: p.phone,
    role: p.role,
    locale: p.locale,
    timeZone: p.timeZone,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    organizationIds: p.organizationIds,
    tags: p.tags,
    notes: redactor.redactNullable(p.notes),
    details: redactor.redactNullable(p.details),
    suspended: p.suspended,
    verified: p.verified,
    externalId: p.externalId,
    userFields: Object.fromEntries(Object.entries(p.userFields).map(([k, v]) => [k, typeof v === 'string' ? redactor.redact(v) : v])),
  };
}

function portableProfile(p: Profile): OutputRecord {
  return { userId: p.userId, name: p.name, email: p.email, phone: p.phone, locale: p.locale, timeZone: p.timeZone, createdAt: p.createdAt };
}

function accessTicket(t: Ticket, redactor: TextRedactor): OutputRecord {
  return {
    id: t.id,
    subjectLine: redactor.redact(t.subjectLine),
    description: t.authoredBySubject ? redactor.redactNullable(t.description) : null,
    descriptionWithheld: !t.authoredBySubject && t.description !== null,
    writtenByYou: t.authoredBySubject,
    status: t.status,
    priority: t.priority,
    type: t.type,
    channel: t.channel,
    tags: t.tags,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    yourRoles: t.subjectRoles,
    otherParticipants: t.otherParticipants,
    customFields: t.customFields.map((f) => ({ id: f.id, value: typeof f.value === 'string' ? redactor.redact(f.value) : f.value })),
  };
}

function portableTicket(t: Ticket, redactor: TextRedactor): OutputRecord {
  return {
    id: t.id,
    subjectLine: redactor.redact(t.subjectLine),
    description: redactor.redactNullable(t.description),
    createdAt: t.createdAt,
  };
}

function ownComment(c: Comment, redactor: TextRedactor, attachments: Attachment[]): OutputRecord {
  return {
    id: c.id,
    ticketId: c.ticketId,
    createdAt: c.createdAt,
    public: c.public,
    author: 'you',
    authorUserId: c.authorUserId,
    withheld: false,
    body: redactor.redact(c.body),
    attachmentIds: attachments.map((a) => a.id),
  };
}

function replyToSubject(c: Comment, redactor: TextRedactor): OutputRecord {
  return {
    id: c.id,
    ticketId: c.ticketId,
    createdAt: c.createdAt,
    public: c.public,
    author: c.authorRole ?? 'other person',
    authorUserId: null,
    withheld: false,
    body: redactor.redact(c.body),
    attachmentIds: [],
  };
}

function withheldComment(c: Comment, others: string): OutputRecord {
  const role = c.authorRole ?? 'other person';
  return {
    id: c.id,
    ticketId: c.ticketId,
    createdAt: c.createdAt,
    public: c.public,
    author: role,
    authorUserId: null,
    withheld: true,
    body: `comment by ${role} on ${c.createdAt.slice(0, 10)}, content withheld to protect others (${others})`,
    attachmentIds: [],
  };
}

function planAttachment(a: Attachment, redactor: TextRedactor, names: UniqueNames, hideFileNames: boolean): PlannedAttachment {
  const fileName = redactor.redact(a.fileName);
  const shown = hideFileNames ? `${a.id}${safeExtension(fileName)}` : `${a.id}-${safeFileName(fileName)}`;
  const path = names.claim(`attachments/${a.ticketId}/${shown}`);
  return {
    id: a.id,
    path,
    level: compressionLevelFor(a.contentType),
    record: {
      id: a.id,
      ticketId: a.ticketId,
      commentId: a.commentId,
      fileName,
      contentType: a.contentType,
      size: a.size,
      path,
      included: true,
      note: null,
    },
  };
}

/**
 * Most attachments are already compressed (images, PDF, office files, archives, media): deflating
 * them costs CPU for a few percent at best, so they are stored. Text-like files shrink a lot and
 * go through Node's native zlib at level 6 (zip.js uses the native CompressionStream only at its
 * default level, and any other level falls back to a much slower JavaScript deflate).
 */
export function compressionLevelFor(contentType: string): number {
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  const textual =
    type.startsWith('text/') ||
    /^application\/(json|xml|csv|javascript|x-ndjson|rtf|x-yaml|yaml|sql|x-sh|ld\+json)$/.test(type) ||
    type.endsWith('+xml') ||
    type.endsWith('+json');
  return textual ? 6 : 0;
}
