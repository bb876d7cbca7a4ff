import { z } from 'zod';
import { regulationSchema } from '../../../shared/deadlines/types';
import { isoDateTime } from '../../../shared/schemas/common';
import { SurfaceCoverage, SurfaceItem } from '../../../shared/schemas/surfaces';

/**
 * What an archive is built from. The subject dossier (built from the cache elsewhere) produces
 * this; the archive module never reads the cache itself, so it can be tested and reasoned about
 * on its own. Ids end up in ZIP paths, so they are restricted to characters that are safe there.
 */

const MAX_TEXT = 1_000_000;
const MAX_ITEMS = 1_000_000;

const recordId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of letters, digits, _ or - (at most 64)'));

const text = z.string().max(MAX_TEXT);
const label = z.string().max(200);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_ITEMS);

/** How other people are named in the archive: by what they are, never by who they are. */
export const ROLE_LABELS = ['agent', 'admin', 'other requester', 'other end user', 'cc', 'follower', 'system'] as const;
export const roleLabelSchema = z.enum(ROLE_LABELS);
export type RoleLabel = z.infer<typeof roleLabelSchema>;

export const SUBJECT_ROLES = ['requester', 'submitter', 'cc', 'follower', 'commenter', 'assignee'] as const;
export const subjectRoleSchema = z.enum(SUBJECT_ROLES);

export const ARCHIVE_KINDS = ['access', 'portability'] as const;
export const archiveKindSchema = z.enum(ARCHIVE_KINDS);
export type ArchiveKind = z.infer<typeof archiveKindSchema>;

/** A keyed, non-personal reference (`subj_…` or the audit log's 64-hex subject ref). */
export const subjectRefSchema = z
  .string()
  .regex(/^(subj_[A-Za-z0-9_-]{4,80}|[0-9a-f]{64})$/, 'a subject reference looks like subj_… or 64 hex digits');

const scalar = z.union([z.string().max(MAX_TEXT), z.number(), z.boolean(), z.null()]);

export const profileSchema = z.object({
  userId: recordId,
  name: label,
  email: z.string().max(320).nullable(),
  phone: z.string().max(64).nullable(),
  role: label,
  locale: label.nullable().default(null),
  timeZone: label.nullable().default(null),
  createdAt: isoDateTime,
  updatedAt: isoDateTime.nullable().default(null),
  organizationIds: list(recordId).default([]),
  tags: list(label).default([]),
  /** Written by agents about the subject: shown on access, never in portability. */
  notes: text.nullable().default(null),
  details: text.nullable().default(null),
  suspended: z.boolean().default(false),
  verified: z.boolean().default(false),
  externalId: label.nullable().default(null),
  userFields: z.record(z.string().max(200), scalar).default({}),
});

export const identitySchema = z.object({
  id: recordId,
  userId: recordId,
  type: label,
  value: z.string().max(1_000),
  verified: z.boolean(),
  primary: z.boolean(),
  createdAt: isoDateTime.nullable().default(null),
});

export const organizationSchema = z.object({
  id: recordId,
  name: label,
  domainNames: list(label).default([]),
  details: text.nullable().default(null),
  notes: text.nullable().default(null),
  tags: list(label).default([]),
  createdAt: isoDateTime.nullable().default(null),
});

export const ticketSchema = z.object({
  id: recordId,
  subjectLine: text,
  /** The opening text; it belongs to whoever wrote the ticket. */
  description: text.nullable(),
  /** True when the subject wrote the ticket (submitter), so its subject line and description are theirs. */
  authoredBySubject: z.boolean(),
  status: label,
  priority: label.nullable().default(null),
  type: label.nullable().default(null),
  channel: label.nullable().default(null),
  tags: list(label).default([]),
  createdAt: isoDateTime,
  updatedAt: isoDateTime.nullable().default(null),
  subjectRoles: z.array(subjectRoleSchema).min(1).max(SUBJECT_ROLES.length),
  /** One label per other participant; an enum so no name can slip in through this field. */
  otherParticipants: list(roleLabelSchema).default([]),
  customFields: list(z.object({ id: recordId, value: scalar })).default([]),
});

export const commentSchema = z.object({
  id: recordId,
  ticketId: recordId,
  createdAt: isoDateTime,
  public: z.boolean(),
  authorIsSubject: z.boolean(),
  /** For the subject's own comments: which of their accounts wrote it. Ignored for others. */
  authorUserId: recordId.nullable().default(null),
  /** For other people's comments: what they are. Ignored for the subject's own. */
  authorRole: roleLabelSchema.nullable().default(null),
  body: text,
});

export const attachmentSchema = z.object({
  id: recordId,
  ticketId: recordId,
  commentId: recordId,
  fileName: z.string().min(1).max(1_000),
  contentType: z.string().max(200).default('application/octet-stream'),
  /** As recorded by the helpdesk; the archive records the bytes it actually streamed. */
  size: z.number().int().nonnegative(),
  authorIsSubject: z.boolean(),
});

const sheetText = z.string().trim().min(1).max(50_000);
/** Art. 15(1)(a)-(h): what the controller must tell the subject besides the copy of the data. */
export const informationSheetSchema = z.object({
  purposes: sheetText,
  categories: sheetText,
  recipients: sheetText,
  retention: sheetText,
  rights: sheetText,
  complaint: sheetText,
  source: sheetText,
  automatedDecisions: sheetText,
});
export type InformationSheet = z.infer<typeof informationSheetSchema>;

export type AttachmentSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
/**
 * Opens one attachment's bytes; null when they are not available (not cached, deleted upstream).
 * Each chunk must be a fresh buffer: chunks can still be queued in the ZIP writer when the next
 * one is read.
 */
export type OpenAttachment = (attachmentId: string) => Promise<AttachmentSource | null>;

const jsonRecord = z.record(z.string(), z.unknown());
export const archiveSurfaceItemSchema = SurfaceItem.extend({ record: jsonRecord, provided: jsonRecord.nullable() });
export type ArchiveSurfaceItem = z.infer<typeof archiveSurfaceItemSchema>;

export const archiveInputSchema = z
  .object({
    subject: z.object({
      ref: subjectRefSchema,
      displayName: label,
      /** The subject's own addresses and numbers: never masked, even when others share them. */
      emails: list(z.string().max(320)).default([]),
      phones: list(z.string().max(64)).default([]),
    }),
    workspace: z.object({ id: z.string().min(1).max(100), name: label, baseUrl: z.url().max(2_048) }),
    /** The organisation named in Settings: who holds the data, as the subject knows it. */
    controllerName: label.nullable().default(null),
    kind: archiveKindSchema,
    regulation: regulationSchema,
    requestId: z.string().min(1).max(100).nullable().default(null),
    generatedAt: isoDateTime,
    dataAsOf: isoDateTime,
    letheVersion: z.string().min(1).max(100),
    profiles: z.array(profileSchema).min(1).max(1_000),
    identities: list(identitySchema).default([]),
    organizations: list(organizationSchema).default([]),
    tickets: list(ticketSchema).default([]),
    comments: list(commentSchema).default([]),
    attachments: list(attachmentSchema).default([]),
    otherPeople: z
      .object({
        emails: list(z.string().max(320)).default([]),
        phones: list(z.string().max(64)).default([]),
        /** Names of the other accounts on the subject's tickets, masked in the texts shown. */
        names: list(z.string().max(200)).default([]),
      })
      .default({ emails: [], phones: [], names: [] }),
    /**
     * Accounts that share an identity with the subject but were not confirmed as theirs when the
     * archive was made: left out, and the archive says so.
     */
    accountsLeftOut: z.number().int().min(0).max(1_000_000).default(0),
    /** Other people's comments elsewhere that quote the subject's address or number (the dossier's mentions). */
    mentionsLeftOut: z.number().int().min(0).max(10_000_000).default(0),
    /** Every place the helpdesk keeps a person, searched or why not (src/main/core/surfaces). */
    coverage: list(SurfaceCoverage).default([]),
    /** Items of the surfaces read on demand: the whole record (access) and what the person provided (portability). */
    surfaceItems: list(archiveSurfaceItemSchema).default([]),
    informationSheet: informationSheetSchema.nullable().default(null),
    openAttachment: z.custom<OpenAttachment>((value) => typeof value === 'function', 'openAttachment must be a function'),
  })
  .superRefine((input, ctx) => {
    const issue = (message: string, path: (string | number)[]) => ctx.addIssue({ code: 'custom', message, path });
    if (input.kind === 'access' && input.informationSheet === null) {
      issue('an access archive needs the Art. 15(1) information sheet', ['informationSheet']);
    }
    for (const [key, items] of [
      ['profiles', input.profiles.map((p) => p.userId)],
      ['identities', input.identities.map((i) => i.id)],
      ['organizations', input.organizations.map((o) => o.id)],
      ['tickets', input.tickets.map((t) => t.id)],
      ['comments', input.comments.map((c) => c.id)],
      ['attachments', input.attachments.map((a) => a.id)],
    ] as const) {
      if (new Set(items).size !== items.length) issue(`${key} holds a duplicate id`, [key]);
    }
    const tickets = new Set(input.tickets.map((t) => t.id));
    const comments = new Map(input.comments.map((c) => [c.id, c]));
    input.comments.forEach((c, i) => {
      if (!tickets.has(c.ticketId)) issue('a comment refers to a ticket that is not in the input', ['comments', i, 'ticketId']);
      if (!c.authorIsSubject && c.authorRole === null) issue("another person's comment needs an authorRole", ['comments', i, 'authorRole']);
    });
    input.attachments.forEach((a, i) => {
      const comment = comments.get(a.commentId);
      if (comment === undefined || comment.ticketId !== a.ticketId) {
        issue('an attachment refers to a comment that is not in the input on that ticket', ['attachments', i, 'commentId']);
      } else if (comment.authorIsSubject !== a.authorIsSubject) {
        // The uploader of an attachment is the author of its comment; disagreement means a bug upstream.
        issue('authorIsSubject differs between the attachment and its comment', ['attachments', i, 'authorIsSubject']);
      }
    });
  });

export type ArchiveInput = z.infer<typeof archiveInputSchema>;
/** What callers pass: defaults may be left out. */
export type ArchiveInputDraft = z.input<typeof archiveInputSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type Identity = z.infer<typeof identitySchema>;
export type Organization = z.infer<typeof organizationSchema>;
export type Ticket = z.infer<typeof ticketSchema>;
export type Comment = z.infer<typeof commentSchema>;
export type Attachment = z.infer<typeof attachmentSchema>;

/** Who holds the data, in the subject's words: the organisation from Settings, else the helpdesk's name (never its URL). */
export function holderName(input: Pick<ArchiveInput, 'workspace'> & { controllerName?: string | null }): string {
  return input.controllerName ?? input.workspace.name;
}
