// Longer than ~400 lines on purpose: the register's whole contract group (schemas and operations) is
// read as one by the router, the CLI, the UI and the generated docs; its parts refer to each other.
import { z } from 'zod';
import { op } from '../define';
import { isoDateTime, LIMITS, shortText, workspaceId } from '../../schemas/common';
import { DeadlineSettings, regulationSchema, requestTypeSchema } from '../../deadlines';

/** Statuses of a request; the last three close it. */
export const REQUEST_STATUSES = ['received', 'verifying', 'in_progress', 'awaiting_approval', 'completed', 'denied', 'withdrawn'] as const;
export const RequestStatus = z.enum(REQUEST_STATUSES);
export type RequestStatus = z.infer<typeof RequestStatus>;
export const CLOSED_STATUSES: readonly RequestStatus[] = ['completed', 'denied', 'withdrawn'];
export const isClosedStatus = (status: RequestStatus): boolean => CLOSED_STATUSES.includes(status);

export const REQUEST_CHANNELS = [
  'email',
  'web_form',
  'helpdesk_ticket',
  'phone',
  'post',
  'in_person',
  'authorized_agent',
  'other',
] as const;
export const RequestChannel = z.enum(REQUEST_CHANNELS);
export type RequestChannel = z.infer<typeof RequestChannel>;

/** How identity was established; never a copy of an identity document. */
export const VERIFICATION_METHODS = [
  'account_login',
  'email_confirmation',
  'data_points',
  'signed_declaration',
  'authorized_agent',
  'other',
] as const;
export const VerificationMethod = z.enum(VERIFICATION_METHODS);

export const LINK_KINDS = ['archive', 'erasure_run', 'receipt', 'action'] as const;
export const LinkKind = z.enum(LINK_KINDS);

export const Regulation = regulationSchema;
export const RequestType = requestTypeSchema;

const requestId = z.string().regex(/^req_[a-z0-9]{8,32}$/, 'a request id looks like req_ followed by lowercase letters and digits');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex characters');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const optionalText = z.string().trim().max(LIMITS.shortText);
const notesText = z.string().max(LIMITS.longText);
/** Zendesk user ids: positive integers that fit in a double. */
const helpdeskUserId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const actor = shortText.describe('who acts (staff name); defaults to the signed-in OS user');
/** Computing due-in "as of" another instant: what will be late next week, or a fixed clock in tests. */
const asOf = isoDateTime.describe('compute countdowns as of this instant instead of now');
const ids = z.array(requestId).min(1).max(LIMITS.listItems);

/** Field bounds the forms mirror (maxLength), so the UI refuses what the contract would. */
export const REQUEST_FIELD_LIMITS = {
  name: LIMITS.shortText,
  email: LIMITS.shortText,
  phone: 40,
  owner: LIMITS.shortText,
  notes: LIMITS.longText,
};

export const RequesterInput = z
  .object({
    name: z.string().trim().max(REQUEST_FIELD_LIMITS.name, `at most ${REQUEST_FIELD_LIMITS.name} characters`).optional(),
    email: z
      .email('an e-mail address such as name@example.com')
      .max(REQUEST_FIELD_LIMITS.email, `at most ${REQUEST_FIELD_LIMITS.email} characters`)
      .optional(),
    phone: z
      .string()
      .trim()
      .max(REQUEST_FIELD_LIMITS.phone, `at most ${REQUEST_FIELD_LIMITS.phone} characters`)
      .regex(/^[+\d\s().\-/]*$/, 'only digits, spaces and + ( ) - . /')
      .optional(),
  })
  .strict();

/**
 * When each regulation began to apply. A request received earlier is a typing error (1900, 19 for
 * 2019), not a record: it would show thousands of days overdue.
 */
export const REGULATION_START: Record<z.infer<typeof regulationSchema>, string> = {
  GDPR: '2018-05-25',
  // The UK applied the GDPR from the same day (Data Protection Act 2018); UK GDPR continues it.
  UK_GDPR: '2018-05-25',
  CCPA: '2020-01-01',
  LGPD: '2020-09-18',
};
/** Clocks of this machine and of whoever typed the time may differ by a little. */
export const RECEIVED_FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Why a receipt instant cannot be right for this regulation, in words; null when it can. */
export function receivedAtProblem(
  regulation: z.infer<typeof regulationSchema>,
  receivedAt: string,
  now: number = Date.now(),
): string | null {
  const at = Date.parse(receivedAt);
  if (Number.isNaN(at)) return 'a date and time';
  if (at > now + RECEIVED_FUTURE_TOLERANCE_MS) return 'cannot be in the future';
  // The date as written (in its own offset): the day the organisation received it.
  if (receivedAt.slice(0, 10) < REGULATION_START[regulation]) {
    return `cannot be before ${REGULATION_START[regulation]}, when the ${regulation === 'UK_GDPR' ? 'UK GDPR' : regulation} began to apply`;
  }
  return null;
}

const hasContact = (r: z.infer<typeof RequesterInput>): boolean =>
  [r.name, r.email, r.phone].some((v) => v !== undefined && v.trim() !== '');
export const CONTACT_REQUIRED = 'give at least one way to reach the requester: a name, an e-mail address or a phone number';

export const Requester = z
  .object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    /** Contact details were purged after completion (retention); the record itself stays. */
    purgedAt: isoDateTime.nullable(),
  })
  .strict();

export const Verification = z
  .object({
    method: VerificationMethod,
    /** Names of the data points that matched ("e-mail address", "last order number"), never their values. */
    dataPointsMatched: z.array(shortText).max(20),
    verifiedBy: z.string(),
    verifiedAt: isoDateTime,
  })
  .strict();
export type Verification = z.infer<typeof Verification>;

export const Extension = z.object({ reason: z.string(), noticeAt: isoDateTime.nullable(), extendedAt: isoDateTime }).strict();

export const RequestLink = z.object({ kind: LinkKind, ref: z.string(), sha256: sha256.nullable(), at: isoDateTime }).strict();
export type RequestLink = z.infer<typeof RequestLink>;

export const DeadlineView = z
  .object({
    receivedOn: isoDate,
    due: isoDate,
    dueEndInstant: isoDateTime,
    initialDue: isoDate,
    extended: z.boolean(),
    acknowledgeBy: isoDate.optional(),
    extensionNoticeBy: isoDate.optional(),
    extendedDue: isoDate.optional(),
    basis: z.string(),
    rule: z.string(),
    warnings: z.array(z.string()),
  })
  .strict();

export const DueInView = z.object({ daysRemaining: z.number().int(), urgency: z.enum(['overdue', 'due_soon', 'ok']) }).strict();

export const Request = z
  .object({
    id: requestId,
    /** Human reference shown in letters and to a regulator, e.g. DSR-000042. */
    reference: z.string(),
    type: RequestType,
    regulation: Regulation,
    channel: RequestChannel,
    receivedAt: isoDateTime,
    /** The organization's zone when it was received: receipt and due dates are dates there. */
    timeZone: z.string(),
    requester: Requester,
    subjectId: helpdeskUserId.nullable(),
    verification: Verification.nullable(),
    status: RequestStatus,
    statusReason: z.string().nullable(),
    denialArticle: z.string().nullable(),
    owner: z.string().nullable(),
    notes: z.string(),
    extension: Extension.nullable(),
    links: z.array(RequestLink),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    closedAt: isoDateTime.nullable(),
    /** Null when the rules cannot compute one (e.g. an unsupported type for the regulation). */
    deadlines: DeadlineView.nullable(),
    /** Null once the request is closed: nothing is due any more. */
    dueIn: DueInView.nullable(),
    /** Team mode only: the row's version (send it back as expectedVersion) and the roles behind it. */
    version: z.number().int().optional(),
    createdBy: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .strict();
export type Request = z.infer<typeof Request>;

/** Team mode: the version of the request the edit was made against; a newer one is a conflict. */
const expectedVersion = z.number().int().min(1).max(2_147_483_647);

export const AuditEntryView = z
  .object({
    seq: z.number().int(),
    at: isoDateTime,
    actor: z.string(),
    action: z.string(),
    subjectRef: z.string().nullable(),
    requestId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .strict();
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const RetentionSettings = z
  .object({
    /** Closed request records are kept this long (11 CCR §7101 asks for at least 24 months). */
    keepClosedMonths: z.number().int().min(24).max(1200).default(24),
    /** Requester contact details are purged this many days after a request closes; null = keep. */
    purgeContactAfterDays: z.number().int().min(0).max(36500).nullable().default(null),
  })
  .strict();
export type RetentionSettings = z.infer<typeof RetentionSettings>;

export const RegisterSettings = z.object({ deadlines: DeadlineSettings.prefault({}), retention: RetentionSettings.prefault({}) }).strict();
export type RegisterSettings = z.infer<typeof RegisterSettings>;

const ImportError = z.object({ row: z.number().int(), column: z.string().nullable(), message: z.string() }).strict();
export type ImportError = z.infer<typeof ImportError>;

/**
 * Team mode only: where a read came from. Offline: the team database did not answer, so this is
 * the last copy this machine read (as of `readAt`), read-only until it answers again.
 */
export const TeamFreshness = z
  .object({ offline: z.boolean(), readAt: isoDateTime, reason: z.string().nullable(), role: z.string().nullable() })
  .strict();
export type TeamFreshness = z.infer<typeof TeamFreshness>;

export const DashboardView = z
  .object({
    asOf: isoDateTime,
    timeZone: z.string(),
    open: z.number().int(),
    unverifiedOpen: z.number().int(),
    overdue: z.number().int(),
    byStatus: z.array(z.object({ status: RequestStatus, count: z.number().int() }).strict()),
    byType: z.array(z.object({ type: RequestType, count: z.number().int() }).strict()),
    dueThisWeek: z.array(
      z
        .object({
          id: requestId,
          reference: z.string(),
          type: RequestType,
          regulation: Regulation,
          due: isoDate,
          daysRemaining: z.number().int(),
        })
        .strict(),
    ),
    /** Open requests past their deadline at the end of each of the last weeks, oldest first. */
    overdueTrend: z.array(z.object({ weekEnding: isoDate, overdue: z.number().int(), open: z.number().int() }).strict()),
    medianDaysToClose: z.array(z.object({ regulation: Regulation, closed: z.number().int(), medianDays: z.number().nullable() }).strict()),
    team: TeamFreshness.optional(),
  })
  .strict();
export type DashboardView = z.infer<typeof DashboardView>;

export const LETTER_TEMPLATES = ['acknowledgement', 'extension', 'completion', 'denial'] as const;
export const LetterTemplate = z.enum(LETTER_TEMPLATES);

const wsOpt = { workspaceId: workspaceId.optional() };
const exportFormat = z.enum(['csv', 'json']);
const exportOutput = z.object({ fileName: z.string(), mediaType: z.string(), content: z.string(), count: z.number().int() }).strict();

export const requestOperations = {
  'requests.list': op({
    input: z
      .object({
        ...wsOpt,
        /** Unverified open requests are hidden from the default queue; this shows them too. */
        includeUnverified: z.boolean().optional(),
        includeClosed: z.boolean().optional(),
        regulation: z.array(Regulation).max(4).optional(),
        type: z.array(RequestType).max(7).optional(),
        status: z.array(RequestStatus).max(7).optional(),
        /** A staff name, or "" for unassigned. */
        owner: z.string().trim().max(LIMITS.shortText).optional(),
        asOf: asOf.optional(),
      })
      .strict(),
    output: z
      .object({
        requests: z.array(Request),
        /** Open unverified requests left out because includeUnverified was not set. */
        hiddenUnverified: z.number().int(),
        owners: z.array(z.string()),
        asOf: isoDateTime,
        team: TeamFreshness.optional(),
      })
      .strict(),
    summary: 'The request register with deadlines and countdowns, filtered',
    example: { includeClosed: true, regulation: ['GDPR'], status: ['received'], asOf: '2025-03-01T09:00:00Z' },
  }),
  'requests.get': op({
    input: z.object({ ...wsOpt, id: requestId, asOf: asOf.optional() }).strict(),
    output: z.object({ request: Request, timeline: z.array(AuditEntryView), team: TeamFreshness.optional() }).strict(),
    summary: 'One request with its deadlines and its audit timeline',
    example: { id: 'req_abcdefgh12' },
  }),
  'requests.create': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        type: RequestType,
        regulation: Regulation,
        channel: RequestChannel,
        receivedAt: isoDateTime,
        requester: RequesterInput,
        subjectId: helpdeskUserId.optional(),
        owner: optionalText.optional(),
        notes: notesText.optional(),
      })
      .strict()
      .superRefine((v, ctx) => {
        if (!hasContact(v.requester)) ctx.addIssue({ code: 'custom', path: ['requester'], message: CONTACT_REQUIRED });
        const problem = receivedAtProblem(v.regulation, v.receivedAt);
        if (problem) ctx.addIssue({ code: 'custom', path: ['receivedAt'], message: problem });
      }),
    output: Request,
    summary: 'Record a request received by any channel',
    example: {
      type: 'access',
      regulation: 'GDPR',
      channel: 'email',
      receivedAt: '2025-03-01T09:30:00+01:00',
      requester: { name: 'Ada Example', email: 'ada@example.test' },
    },
  }),
  'requests.update': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        id: requestId,
        channel: RequestChannel.optional(),
        requester: RequesterInput.optional(),
        subjectId: helpdeskUserId.nullable().optional(),
        owner: optionalText.optional(),
        notes: notesText.optional(),
        expectedVersion: expectedVersion.optional(),
      })
      .strict(),
    output: Request,
    summary: 'Change the owner, notes, channel, contact or linked subject of a request',
    example: { id: 'req_abcdefgh12', owner: 'Dana (DPO office)' },
  }),
  'requests.verify': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        id: requestId,
        method: VerificationMethod,
        dataPointsMatched: z.array(shortText).min(1).max(20),
        verifiedBy: shortText,
        verifiedAt: isoDateTime.optional(),
        /** Team mode: the version it was made against; a request changed since is a conflict. */
        expectedVersion: expectedVersion.optional(),
      })
      .strict(),
    output: Request,
    summary: 'Record how the requester’s identity was verified (method, data points matched, by whom)',
    example: {
      id: 'req_abcdefgh12',
      method: 'data_points',
      dataPointsMatched: ['e-mail address', 'last ticket number'],
      verifiedBy: 'Dana',
    },
  }),
  'requests.setStatus': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        id: requestId,
        status: RequestStatus,
        /** Required for a denial: why, in words the requester will read. */
        reason: z.string().trim().max(LIMITS.longText).optional(),
        /** Required for a denial: the article relied on, e.g. "GDPR Art. 12(5)(b)". */
        article: optionalText.optional(),
        at: isoDateTime.optional(),
        expectedVersion: expectedVersion.optional(),
      })
      .strict(),
    output: Request,
    summary: 'Move a request to another status; a denial needs a reason and an article',
    example: { id: 'req_abcdefgh12', status: 'in_progress' },
  }),
  'requests.extend': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        id: requestId,
        reason: z.string().trim().min(1).max(LIMITS.longText),
        /** When the requester was told (GDPR: within the first month; CCPA: within the first 45 days). */
        noticeAt: isoDateTime.optional(),
        /** Team mode: the version it was made against; a request changed since is a conflict. */
        expectedVersion: expectedVersion.optional(),
      })
      .strict(),
    output: Request,
    summary: 'Extend the deadline where the regulation allows, recording the reason and notice date',
    example: { id: 'req_abcdefgh12', reason: 'Many tickets across three brands', noticeAt: '2025-03-20T10:00:00Z' },
  }),
  'requests.link': op({
    input: z
      .object({ ...wsOpt, actor: actor.optional(), id: requestId, kind: LinkKind, ref: shortText, sha256: sha256.optional() })
      .strict(),
    output: Request,
    summary: 'Link an archive, an erasure run, a receipt or an action to a request',
    example: { id: 'req_abcdefgh12', kind: 'archive', ref: 'access-2025-03-02.zip', sha256: 'a'.repeat(64) },
  }),
  'requests.bulkUpdate': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        ids,
        owner: optionalText.optional(),
        status: z.enum(['verifying', 'in_progress', 'awaiting_approval', 'completed', 'withdrawn']).optional(),
        /** Team mode: the version of each request the selection was made against; one changed since is a conflict (none changes). */
        expectedVersions: z
          .record(requestId, expectedVersion)
          .refine((v) => Object.keys(v).length <= LIMITS.listItems, 'Too many versions')
          .optional(),
      })
      .strict(),
    output: z.object({ updated: z.number().int() }).strict(),
    summary: 'Assign an owner or move several requests to a status at once',
    example: { ids: ['req_abcdefgh12'], owner: 'Dana' },
  }),
  'requests.importCsv': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        /** The file's text; a few thousand rows fit. */
        csv: z.string().min(1).max(500_000),
        /** Check every row and report; import nothing. */
        dryRun: z.boolean(),
      })
      .strict(),
    output: z
      .object({
        dryRun: z.boolean(),
        rows: z.number().int(),
        errors: z.array(ImportError),
        imported: z.number().int(),
        ids: z.array(z.string()),
      })
      .strict(),
    summary: 'Import requests from CSV; nothing is imported when any row is bad',
    example: {
      csv: 'type,regulation,channel,receivedAt,requesterEmail\naccess,GDPR,email,2025-03-01T09:30:00Z,ada@example.test\n',
      dryRun: true,
    },
  }),
  'requests.export': op({
    input: z
      .object({ ...wsOpt, actor: actor.optional(), format: exportFormat, ids: z.array(requestId).max(LIMITS.listItems).optional() })
      .strict(),
    output: exportOutput,
    summary: 'Export the register (or some requests) as CSV or JSON, contact details included',
    example: { format: 'csv' },
  }),
  'requests.dashboard': op({
    input: z.object({ ...wsOpt, asOf: asOf.optional(), weeks: z.number().int().min(1).max(52).optional() }).strict(),
    output: DashboardView,
    summary: 'Open requests by status and type, due this week, overdue trend, median days to close',
    example: { weeks: 12 },
  }),
  'requests.letter': op({
    input: z.object({ ...wsOpt, actor: actor.optional(), id: requestId, template: LetterTemplate, asOf: asOf.optional() }).strict(),
    output: z.object({ template: LetterTemplate, subject: z.string(), text: z.string(), html: z.string(), fileBase: z.string() }).strict(),
    summary: 'A response letter (acknowledgement, extension, completion, denial) as text and HTML',
    example: { id: 'req_abcdefgh12', template: 'acknowledgement' },
  }),
  'requests.getSettings': op({
    input: z.object({ ...wsOpt }).strict(),
    output: RegisterSettings,
    summary: 'Deadline rules (holiday calendars per regulation) and retention of request records',
    example: {},
  }),
  'requests.holidayCalendars': op({
    input: z.object({ ...wsOpt }).strict(),
    output: z
      .object({
        calendars: z.array(z.object({ code: z.string(), name: z.string() }).strict()),
        /** What 'default' means for each regulation with the organisation's time zone; null = no calendar. */
        defaults: z.record(Regulation, z.object({ code: z.string(), name: z.string() }).strict().nullable()),
      })
      .strict(),
    summary: 'The public-holiday calendars a deadline rule can use, and the default for each regulation',
    example: {},
  }),
  'requests.setSettings': op({
    input: z
      .object({
        ...wsOpt,
        actor: actor.optional(),
        deadlines: DeadlineSettings.optional(),
        retention: RetentionSettings.optional(),
      })
      .strict(),
    output: RegisterSettings,
    summary: 'Change the deadline rules or the retention of request records',
    example: { deadlines: { GDPR: { holidays: ['2025-12-25'] } }, retention: { keepClosedMonths: 24, purgeContactAfterDays: 90 } },
  }),
  'requests.applyRetention': op({
    input: z.object({ ...wsOpt, actor: actor.optional(), dryRun: z.boolean(), asOf: asOf.optional() }).strict(),
    output: z.object({ dryRun: z.boolean(), deletedRequests: z.number().int(), purgedContacts: z.number().int() }).strict(),
    summary: 'Purge contact details and delete closed request records past their retention period',
    example: { dryRun: true },
  }),
};
