import { z } from 'zod';
import { op } from '../define';
import { isoDateTime, workspaceId } from '../../schemas/common';
import { DossierCompleteness } from '../../schemas/subject-first';
import { SURFACE_IDS, SurfaceCoverage, SurfaceId, SurfaceSection } from '../../schemas/surfaces';

/** Zendesk ids are positive integers that fit in a double. */
const zendeskId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().nonnegative();

/**
 * A data subject is named by the helpdesk account a request was opened on, never by a name or an
 * address, so the reference itself is no personal data and can go into logs, URLs and the audit trail.
 */
export const SubjectRef = z.string().regex(/^subj_[1-9][0-9]{0,15}$/, 'a subject reference looks like subj_ followed by a user id');
export type SubjectRef = z.infer<typeof SubjectRef>;

/** `former`: an address or number the person had before a rectification (#19 item 7). */
export const MATCH_FIELDS = ['email', 'secondary_email', 'phone', 'name', 'external_id', 'comment', 'former'] as const;
export const MatchReason = z
  .object({
    field: z.enum(MATCH_FIELDS),
    match: z.enum(['exact', 'prefix', 'contains', 'words']),
    /** What matched: the identity value, the name, or the ticket the comment is on. */
    value: z.string(),
    ticketId: zendeskId.nullable(),
  })
  .strict();
export type MatchReason = z.infer<typeof MatchReason>;

export const SubjectSearchResult = z
  .object({
    ref: SubjectRef,
    userId: zendeskId,
    name: z.string(),
    role: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    externalId: z.string().nullable(),
    active: z.boolean(),
    tickets: count,
    /** Other accounts an officer confirmed as the same person. */
    linkedAccounts: count,
    /** Accounts sharing an identity with this one, waiting for an officer's decision. */
    suggestedAccounts: count,
    reasons: z.array(MatchReason).min(1),
  })
  .strict();
export type SubjectSearchResult = z.infer<typeof SubjectSearchResult>;

/**
 * Why an account is part of the person: it is the one the request was made for, or an officer
 * confirmed it (see docs/identity.md: nothing found automatically counts without confirmation).
 */
export const AccountWhy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('requested') }).strict(),
  z.object({ kind: z.literal('confirmed'), reason: z.string(), by: z.string(), at: z.string(), withUserId: zendeskId }).strict(),
]);
export type AccountWhy = z.infer<typeof AccountWhy>;

export const LINK_DECISIONS = ['confirmed', 'rejected'] as const;
export type LinkDecisionKind = (typeof LINK_DECISIONS)[number];

/** One shared value behind a suggestion. */
export const LinkEvidence = z
  .object({
    identityType: z.enum(['email', 'phone_number']),
    /** The person's own address or number, as held on their account. */
    value: z.string(),
    /** The person's account that shares it. */
    withUserId: zendeskId,
    /** How many helpdesk accounts hold this value in all (2: just these two; 40: a switchboard). */
    sharedBy: count,
    /** The identity is verified on the person's account. */
    verified: z.boolean(),
  })
  .strict();
export type LinkEvidence = z.infer<typeof LinkEvidence>;

/** An account that shares an identity with the person but is not confirmed as them. */
export const LinkSuggestion = z
  .object({
    userId: zendeskId,
    name: z.string(),
    role: z.string().nullable(),
    active: z.boolean(),
    evidence: z.array(LinkEvidence).min(1),
    /** The fewest accounts any of its shared values is on. */
    sharedBy: count,
    /** null: pending, waiting for an officer. Confirmed accounts are part of the person, not suggestions. */
    decision: z
      .object({ decision: z.literal('rejected'), reason: z.string(), by: z.string(), at: z.string() })
      .strict()
      .nullable(),
  })
  .strict();
export type LinkSuggestion = z.infer<typeof LinkSuggestion>;

export const PersonLinks = z
  .object({
    ref: SubjectRef,
    /** The person's accounts: the requested one, then the confirmed ones. */
    accounts: z.array(z.object({ userId: zendeskId, why: AccountWhy }).strict()).min(1),
    suggestions: z.array(LinkSuggestion),
    /** Suggestions nobody has decided yet: nothing includes them until an officer confirms them. */
    pending: count,
    suggestionsTruncated: z.boolean(),
    /** More confirmed accounts than Lethe follows (25). */
    truncated: z.boolean(),
  })
  .strict();
export type PersonLinks = z.infer<typeof PersonLinks>;

export const SubjectAccount = z
  .object({
    userId: zendeskId,
    name: z.string(),
    role: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    externalId: z.string().nullable(),
    active: z.boolean(),
    suspended: z.boolean(),
    createdAt: z.string().nullable(),
    tags: z.array(z.string()),
    why: AccountWhy,
  })
  .strict();
export type SubjectAccount = z.infer<typeof SubjectAccount>;

export const TICKET_ROLES = ['requester', 'submitter', 'cc', 'follower', 'commenter', 'assignee'] as const;
export const TicketRole = z.enum(TICKET_ROLES);
export type TicketRole = z.infer<typeof TicketRole>;

export const DossierTicket = z
  .object({
    id: zendeskId,
    subject: z.string().nullable(),
    status: z.string(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
    archived: z.boolean(),
    /** Soft-deleted upstream: still held until it is purged, so it stays in the dossier. */
    deleted: z.boolean(),
    legalHold: z.boolean(),
    roles: z.array(TicketRole).min(1),
    /** Which account holds each role. */
    roleHolders: z.array(z.object({ role: TicketRole, userId: zendeskId }).strict()),
    comments: count,
    attachments: count,
    why: z.string(),
  })
  .strict();
export type DossierTicket = z.infer<typeof DossierTicket>;

export const DossierComment = z
  .object({
    id: zendeskId,
    ticketId: zendeskId,
    authorId: zendeskId,
    createdAt: z.string().nullable(),
    public: z.boolean(),
    /** The start of the text, for recognising it; the archive carries the whole text. */
    excerpt: z.string(),
    attachments: count,
    why: z.string(),
  })
  .strict();

export const DossierAttachment = z
  .object({
    id: zendeskId,
    ticketId: zendeskId,
    commentId: zendeskId,
    fileName: z.string(),
    contentType: z.string().nullable(),
    size: count.nullable(),
    uploadedBySubject: z.boolean(),
    /** A copy is in the local cache (else an archive downloads it through the API). */
    cached: z.boolean(),
    why: z.string(),
  })
  .strict();

export const DossierMention = z
  .object({
    ticketId: zendeskId,
    ticketSubject: z.string().nullable(),
    commentIds: z.array(zendeskId).min(1),
    matched: z.array(z.enum(['email', 'phone'])).min(1),
    /** The subject's own addresses and numbers found in the text. */
    values: z.array(z.string()),
    /** The subject also takes part in this ticket. */
    alsoParticipant: z.boolean(),
    /** The ticket is soft-deleted upstream but still held. */
    ticketDeleted: z.boolean(),
    why: z.string(),
  })
  .strict();

/**
 * The long lists come a page at a time: an agent with thousands of tickets made a multi-megabyte
 * answer that took most of a second to read, validate and send.
 */
export const DOSSIER_LISTS = ['tickets', 'comments', 'attachments', 'mentions'] as const;
export type DossierList = (typeof DOSSIER_LISTS)[number];
export const DOSSIER_DEFAULT_LIMIT = 200;
export const DOSSIER_MAX_LIMIT = 1000;
const offset = z.number().int().min(0).max(10_000_000);
const ListPage = z.object({ offset, total: count }).strict();
export const DossierOffsets = z
  .object({ tickets: offset.optional(), comments: offset.optional(), attachments: offset.optional(), mentions: offset.optional() })
  .strict();
export type DossierOffsets = z.infer<typeof DossierOffsets>;

export const Dossier = z
  .object({
    workspaceId,
    ref: SubjectRef,
    displayName: z.string(),
    generatedAt: isoDateTime,
    /** Every sync stream complete up to this moment; null until the first full sync. */
    dataAsOf: isoDateTime.nullable(),
    /** Every place the helpdesk keeps a person: searched or why not, as of when, items found. */
    coverage: z.array(SurfaceCoverage),
    /** Whether the cache can answer for this person yet: full sync, a subject-first look, what is still unknown. */
    completeness: DossierCompleteness.optional(),
    summary: z
      .object({
        accounts: count,
        identities: count,
        organizations: count,
        tickets: count,
        ticketsByRole: z.record(TicketRole, count),
        comments: count,
        attachments: count,
        attachmentBytes: count,
        attachmentsByType: z.array(z.object({ contentType: z.string(), count, bytes: count }).strict()),
        mentions: count,
        /** Custom user and organization field values of the person (customFields below). */
        customFields: count,
      })
      .strict(),
    accounts: z.array(SubjectAccount).min(1),
    /** Accounts that share an identity but are not confirmed: left out of everything below. */
    suggestions: z.array(LinkSuggestion),
    pendingSuggestions: count,
    suggestionsTruncated: z.boolean(),
    identities: z.array(
      z
        .object({
          id: zendeskId,
          userId: zendeskId,
          type: z.string(),
          value: z.string(),
          primary: z.boolean(),
          verified: z.boolean(),
          why: z.string(),
        })
        .strict(),
    ),
    /** Addresses and numbers the person used to have (replaced by a rectification): still matched in mentions. */
    formerIdentities: z
      .array(z.object({ userId: zendeskId, type: z.string(), value: z.string(), replacedAt: z.string(), why: z.string() }).strict())
      .default([]),
    organizations: z.array(z.object({ id: zendeskId, name: z.string(), userIds: z.array(zendeskId), why: z.string() }).strict()),
    /**
     * Custom user and organization field values (#12 surface 5): the person's own user fields, and
     * organization fields holding their e-mail or phone, with the field's title ("Emergency
     * contact", not `emergency_contact`; the key, with titleKnown false, when the helpdesk could not
     * be asked).
     */
    customFields: z.array(
      z
        .object({
          scope: z.enum(['user', 'organization']),
          ownerId: zendeskId,
          ownerName: z.string(),
          key: z.string(),
          title: z.string(),
          titleKnown: z.boolean(),
          value: z.string(),
          why: z.string(),
        })
        .strict(),
    ),
    tickets: z.array(DossierTicket),
    comments: z.array(DossierComment),
    attachments: z.array(DossierAttachment),
    mentions: z.array(DossierMention),
    /** The items of the surfaces read on demand (suspended tickets, side conversations…), per surface. */
    surfaces: z.array(SurfaceSection),
    /** Where each list's page starts and how long the whole list is; the summary counts everything. */
    pages: z
      .object({
        limit: z.number().int().min(1).max(DOSSIER_MAX_LIMIT),
        tickets: ListPage,
        comments: ListPage,
        attachments: ListPage,
        mentions: ListPage,
      })
      .strict(),
  })
  .strict();
export type Dossier = z.infer<typeof Dossier>;

const optionalWorkspace = { workspaceId: workspaceId.optional() };
/** Why two accounts are, or are not, one person: required, bounded, kept in the register. */
const reason = z.string().trim().min(3).max(500);
const linkInput = {
  ...optionalWorkspace,
  ref: SubjectRef,
  userId: zendeskId,
  /** Who decides (staff name); the OS account when left out. */
  by: z.string().trim().min(1).max(200).optional(),
  /** The request the decision was taken for: its audit entry names it (#19 item 4). */
  requestId: z
    .string()
    .regex(/^req_[a-z0-9]{8,32}$/, 'a request id looks like req_ followed by lowercase letters and digits')
    .optional(),
};

export const subjectOperations = {
  'subjects.search': op({
    input: z
      .object({
        ...optionalWorkspace,
        query: z.string().trim().min(1).max(200),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: z.object({ results: z.array(SubjectSearchResult), truncated: z.boolean() }).strict(),
    summary: 'Find people in the local cache by email, name, phone, external id or comment text, with why each matched',
    example: { workspaceId: 'ws_abcdefgh12', query: 'jose', limit: 50 },
  }),
  'subjects.show': op({
    input: z
      .object({
        ...optionalWorkspace,
        ref: SubjectRef,
        /** Rows per list (tickets, comments, attachments, mentions); 200 unless given. */
        limit: z.number().int().min(1).max(DOSSIER_MAX_LIMIT).optional(),
        offsets: DossierOffsets.optional(),
      })
      .strict(),
    output: Dossier,
    summary: 'Everything the cache holds about one person, each line with the reason it belongs; the lists a page at a time',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', limit: 200, offsets: { tickets: 200 } },
  }),
  'subjects.look': op({
    input: z
      .object({
        ...optionalWorkspace,
        ref: SubjectRef,
        /** Only these surfaces; every surface read on demand when left out. */
        surfaces: z.array(SurfaceId).min(1).max(SURFACE_IDS.length).optional(),
      })
      .strict(),
    output: z.object({ ref: SubjectRef, coverage: z.array(SurfaceCoverage) }).strict(),
    summary:
      'Read the surfaces kept on demand (suspended tickets, side conversations…) for one person now, and keep what was found with its time',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567' },
  }),
  'subjects.links': op({
    input: z.object({ ...optionalWorkspace, ref: SubjectRef }).strict(),
    output: PersonLinks,
    summary: "The person's confirmed accounts and the suggested links (shared e-mail or phone) with their evidence",
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567' },
  }),
  'subjects.link': op({
    input: z.object({ ...linkInput, reason }).strict(),
    output: PersonLinks,
    summary: 'Confirm that another helpdesk account is the same person, with the reason (recorded in the audit log)',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', userId: 7654321, reason: 'Confirmed by the requester in ticket 42' },
  }),
  'subjects.reject': op({
    input: z.object({ ...linkInput, reason }).strict(),
    output: PersonLinks,
    summary: 'Record that a suggested account is not the same person, with the reason; it stays rejected after every sync',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', userId: 7654321, reason: 'Household landline: a different person' },
  }),
  'subjects.unlink': op({
    input: z.object(linkInput).strict(),
    output: PersonLinks,
    summary: 'Undo a decision on a link: a confirmed account leaves the person, a rejected one is suggested again',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', userId: 7654321 },
  }),
  'subjects.merge': op({
    input: z.object({ ...optionalWorkspace, ref: SubjectRef, userId: zendeskId, reason }).strict(),
    output: z.object({ ref: SubjectRef, accounts: z.array(zendeskId) }).strict(),
    summary: 'Treat another helpdesk account as the same person, recording why (the same as subjects.link)',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', userId: 7654321, reason: 'Confirmed by the requester in ticket 42' },
  }),
  'subjects.unmerge': op({
    input: z.object({ ...optionalWorkspace, ref: SubjectRef, userId: zendeskId }).strict(),
    output: z.object({ ref: SubjectRef, accounts: z.array(zendeskId) }).strict(),
    summary: 'Undo a confirmed link of two accounts (the same as subjects.unlink on a confirmed link)',
    example: { workspaceId: 'ws_abcdefgh12', ref: 'subj_1234567', userId: 7654321 },
  }),
};
