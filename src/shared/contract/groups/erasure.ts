// Longer than ~400 lines on purpose: the erasure contract group (plan, overrides, approval, run,
// receipt schemas and operations) is read as one by the router, the CLI, the UI and the generated
// docs; its parts refer to each other.
import { z } from 'zod';
import { op } from '../define';
import { isoDateTime, LIMITS, shortText, workspaceId } from '../../schemas/common';
import { PlanSurfaceItem, ReceiptSurface, SurfaceCoverage } from '../../schemas/surfaces';
import { ZendeskDeletion } from './zendesk-deletion';

/**
 * Erasure (right to be forgotten): a plan computed offline from the cache, one decision per ticket
 * and per account with its reason; overrides and approval; execution from the journal; verification,
 * cache purge and a receipt without personal data.
 */

const zendeskId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().nonnegative();
const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'an id as Lethe issues them (UUID v7)');
const email = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'an e-mail address');
const reasonText = z.string().trim().min(3).max(1_000);
const requestId = z.string().regex(/^req_[a-z0-9]{8,32}$/, 'a request id looks like req_ followed by lowercase letters and digits');

/** The register request an erasure was planned for (#19 item 3): its plan, audit entries and receipt name it. */
export const PlanRequest = z.object({ id: z.string(), reference: z.string() }).strict();
export type PlanRequest = z.infer<typeof PlanRequest>;

export const REGULATIONS = ['gdpr', 'uk_gdpr', 'ccpa', 'lgpd'] as const;
export const Regulation = z.enum(REGULATIONS);
export type Regulation = z.infer<typeof Regulation>;

export const TICKET_DECISIONS = ['delete', 'redact', 'keep', 'blocked', 'review'] as const;
export const TicketDecision = z.enum(TICKET_DECISIONS);
export type TicketDecision = z.infer<typeof TicketDecision>;

export const ACCOUNT_DECISIONS = ['delete', 'keep', 'blocked'] as const;
export const AccountDecision = z.enum(ACCOUNT_DECISIONS);
export type AccountDecision = z.infer<typeof AccountDecision>;

/** Why something is kept: the two grounds Art. 17(3) and its CCPA/LGPD counterparts share. */
export const LEGAL_GROUNDS = ['legal_claims', 'legal_obligation'] as const;
export const LegalGround = z.enum(LEGAL_GROUNDS);
export type LegalGround = z.infer<typeof LegalGround>;

export const PARTICIPANT_ROLES = ['requester', 'submitter', 'assignee', 'cc', 'follower', 'commenter'] as const;
export const ParticipantRole = z.enum(PARTICIPANT_ROLES);

// --- settings: exemption rules ---------------------------------------------------------------

const tagName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[^\s,]+$/, 'a Zendesk tag has no spaces or commas');

export const ExemptionRules = z
  .object({
    /** Tickets carrying one of these tags are kept. */
    tags: z
      .array(z.object({ tag: tagName, ground: LegalGround, note: z.string().max(LIMITS.shortText).default('') }).strict())
      .max(100)
      .default([
        { tag: 'legal_hold', ground: 'legal_claims', note: 'Legal hold' },
        { tag: 'dispute', ground: 'legal_claims', note: 'Open dispute' },
      ]),
    /**
     * Tickets whose custom field has a value (or this value) are kept. Only fields flagged as
     * personal data are in the cache, so only those can be used here.
     */
    fields: z
      .array(
        z
          .object({
            fieldId: zendeskId,
            equals: z.string().max(LIMITS.shortText).nullable().default(null),
            ground: LegalGround,
            note: z.string().max(LIMITS.shortText).default(''),
          })
          .strict(),
      )
      .max(100)
      .default([]),
    /** Tickets younger than this many days are kept (a statutory retention period), 0 = off. */
    retentionDays: z.number().int().min(0).max(36_500).default(0),
    retentionNote: z.string().max(LIMITS.shortText).default(''),
    /** comment_redactions (Agent Workspace, works on closed tickets) or the legacy endpoint. */
    redactionApi: z.enum(['auto', 'comment_redactions', 'legacy']).default('auto'),
    /** A second person must approve a plan before it runs. */
    requireApproval: z.boolean().default(false),
  })
  .strict();
export type ExemptionRules = z.infer<typeof ExemptionRules>;

// --- the plan --------------------------------------------------------------------------------

export const Override = z.object({ decision: z.string(), reason: z.string(), by: z.string().nullable(), at: isoDateTime }).strict();

export const Exemption = z
  .object({
    rule: z.string(),
    ground: LegalGround,
    /** The citation for the plan's regulation, e.g. "GDPR Art. 17(3)(e)". */
    citation: z.string(),
    note: z.string(),
  })
  .strict();
export type Exemption = z.infer<typeof Exemption>;

export const Fix = z
  .object({
    action: z.enum(['close_tickets', 'demote_in_zendesk', 'enable_comment_redactions', 'confirm_same_person']),
    description: z.string(),
    ticketIds: z.array(zendeskId),
  })
  .strict();

export const PlanTicket = z
  .object({
    ticketId: zendeskId,
    decision: TicketDecision,
    /** What Lethe proposed before any override. */
    proposed: TicketDecision,
    reasonCode: z.string(),
    reason: z.string(),
    exemption: Exemption.nullable(),
    fix: Fix.nullable(),
    status: z.string(),
    archived: z.boolean(),
    deletedUpstream: z.boolean(),
    subjectRoles: z.array(ParticipantRole),
    /** Other people on the ticket, by role: never their names. */
    others: z.object({ endUsers: count, agents: count, byRole: z.record(z.string(), count) }).strict(),
    subjectComments: count,
    mentionComments: count,
    attachments: count,
    attachmentBytes: count,
    override: Override.nullable(),
  })
  .strict();
export type PlanTicket = z.infer<typeof PlanTicket>;

export const PlanAccount = z
  .object({
    userId: zendeskId,
    role: z.string(),
    decision: AccountDecision,
    proposed: AccountDecision,
    reasonCode: z.string(),
    reason: z.string(),
    alreadyDeleted: z.boolean(),
    fix: Fix.nullable(),
    override: Override.nullable(),
  })
  .strict();
export type PlanAccount = z.infer<typeof PlanAccount>;

/**
 * One comment by someone else that quotes the subject's e-mail or phone (#19 item 6): what the
 * officer reads before the run (the words around it, the ticket's title) and the choice about the
 * subject's name where it stands beside the address. What happens to the comment is its ticket's
 * decision: redacted, left for review (kept as it is), kept under an exemption, or deleted with it.
 */
export const PlanMention = z
  .object({
    commentId: zendeskId,
    ticketId: zendeskId,
    ticketTitle: z.string(),
    excerpt: z.string(),
    decision: TicketDecision,
    /**
     * The subject's helpdesk name as written beside the address, offered for redaction with it
     * (accepted unless the officer declines); null when no name stands beside it.
     */
    name: z
      .object({ strings: z.array(z.string()).min(1), redact: z.boolean() })
      .strict()
      .nullable(),
  })
  .strict();
export type PlanMention = z.infer<typeof PlanMention>;

export const PlanCounts = z
  .object({
    tickets: z.record(TicketDecision, count),
    accounts: z.record(AccountDecision, count),
    commentsToRedact: count,
    mentionCommentsToRedact: count,
    attachmentsToRedact: count,
    attachmentBytesToRedact: count,
    attachmentBytesToDelete: count,
    mentionsForReview: count,
    /** Mentions whose redaction also removes the subject's name beside the address (plans before names: 0). */
    namesToRedact: count.default(0),
    otherPeople: z.object({ endUsers: count, agents: count, byRole: z.record(z.string(), count) }).strict(),
  })
  .strict();
export type PlanCounts = z.infer<typeof PlanCounts>;

export const Difference = z
  .object({
    kind: z.enum([
      'ticket_gone',
      'ticket_soft_deleted',
      'status_changed',
      'participants_changed',
      'ticket_updated',
      'user_gone',
      'user_soft_deleted',
      'user_role_changed',
      'decision_changed',
    ]),
    target: z.enum(['ticket', 'account']),
    id: zendeskId,
    detail: z.string(),
  })
  .strict();
export type Difference = z.infer<typeof Difference>;

export const RunPhase = z.enum(['draft', 'executing', 'verifying', 'forgetting', 'receipt', 'done']);

export const ErasurePlan = z
  .object({
    id: uuid,
    workspaceId,
    createdAt: isoDateTime,
    /** The cache holds every stream complete up to this moment (null: never fully synced). */
    dataAsOf: isoDateTime.nullable(),
    regulation: Regulation,
    /** Plans made before requests were carried have none. */
    request: PlanRequest.nullable().default(null),
    subject: z
      .object({
        email: z.string(),
        /** HMAC of the e-mail under the workspace's key: what the journal and receipt keep. */
        ref: z.string(),
        /** The person's confirmed accounts (docs/identity.md), the requested one first. */
        userIds: z.array(zendeskId),
        emails: z.array(z.string()),
        phones: z.array(z.string()),
        /**
         * Suggested accounts (sharing an e-mail or phone) nobody had confirmed when the plan was made:
         * left out of it. Confirm one in the dossier and plan again to include it.
         */
        relatedAccounts: z.array(zendeskId),
      })
      .strict(),
    tickets: z.array(PlanTicket),
    accounts: z.array(PlanAccount),
    /** Others' comments quoting the subject, with their words (plans before mentions were listed: empty; cleared when the run ends). */
    mentions: z.array(PlanMention).default([]),
    /** Every place the helpdesk keeps a person, as of the plan's last look (plans before surfaces: empty). */
    coverage: z.array(SurfaceCoverage).default([]),
    /** The decision on each item of the surfaces read on demand, with its reason. */
    surfaceItems: z.array(PlanSurfaceItem).default([]),
    counts: PlanCounts,
    preparedBy: z.string().nullable(),
    /** Who approved, and the fingerprint of exactly the plan they approved: any other plan needs approving again. */
    approval: z.object({ approver: z.string(), note: z.string(), at: isoDateTime, fingerprint: z.string() }).strict().nullable(),
    approvalRequired: z.boolean(),
    fingerprint: z.string(),
    revalidation: z
      .object({ at: isoDateTime, differences: z.array(Difference), fingerprint: z.string() })
      .strict()
      .nullable(),
    phase: RunPhase,
    state: z.enum(['draft', 'running', 'completed', 'needs_attention', 'abandoned']),
  })
  .strict();
export type ErasurePlan = z.infer<typeof ErasurePlan>;

export const OpCountsSchema = z.object({ planned: count, sent: count, done: count, failed: count, skipped: count }).strict();

export const Verification = z
  .object({
    at: isoDateTime,
    ticketsGone: count,
    ticketsStillPresent: z.array(zendeskId),
    usersGone: count,
    usersStillPresent: z.array(zendeskId),
    commentsRedacted: count,
    commentsNotRedacted: z.array(zendeskId),
    apiCalls: count,
    ok: z.boolean(),
  })
  .strict();
export type Verification = z.infer<typeof Verification>;

export const Residue = z
  .object({
    /** Cache rows still holding one of the subject's e-mails or phones, by where they are. */
    keptTickets: count,
    otherComments: count,
    otherProfiles: count,
    total: count,
  })
  .strict();
export type Residue = z.infer<typeof Residue>;

export const RunStatus = z
  .object({
    runId: uuid,
    workspaceId,
    state: ErasurePlan.shape.state,
    phase: RunPhase,
    running: z.boolean(),
    operations: OpCountsSchema,
    byKind: z.record(z.string(), OpCountsSchema),
    failures: z.array(
      z.object({ opId: z.string(), kind: z.string(), targets: z.array(zendeskId), code: z.string(), message: z.string() }).strict(),
    ),
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
    verification: Verification.nullable(),
    residue: Residue.nullable(),
    forgotten: z.object({ users: count, tickets: count, comments: count, attachments: count, files: count }).strict().nullable(),
    receipt: z.object({ json: z.string(), html: z.string() }).strict().nullable(),
    apiCalls: count,
    /** Zendesk's own per-product deletion status of the deleted accounts, as last read (null: not read). */
    zendeskDeletion: ZendeskDeletion.nullable(),
    /** Why the run stopped in this process before it finished (resume continues it). */
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
  })
  .strict();
export type RunStatus = z.infer<typeof RunStatus>;

export const Receipt = z
  .object({
    format: z.literal('lethe-erasure-receipt/1'),
    runId: uuid,
    workspaceRef: z.string(),
    subjectRef: z.string(),
    accountRefs: z.array(z.string()),
    regulation: Regulation,
    request: PlanRequest.nullable().default(null),
    dataAsOf: isoDateTime.nullable(),
    plannedAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime,
    preparedBy: z.string().nullable(),
    approval: z.object({ approver: z.string(), at: isoDateTime }).strict().nullable(),
    counts: z.record(z.string(), count),
    overrides: z.array(
      z.object({ target: z.string(), ref: z.string(), from: z.string(), to: z.string(), reason: z.string(), at: isoDateTime }).strict(),
    ),
    exemptions: z.array(
      z.object({ ticketRef: z.string(), rule: z.string(), ground: LegalGround, citations: z.array(z.string()) }).strict(),
    ),
    blocked: z.array(z.object({ target: z.string(), ref: z.string(), reasonCode: z.string() }).strict()),
    operations: z.array(
      z
        .object({
          id: z.string(),
          kind: z.string(),
          state: z.string(),
          targets: count,
          attempts: count,
          jobId: z.string().nullable(),
          finishedAt: isoDateTime.nullable(),
        })
        .strict(),
    ),
    /** Per surface: searched or why not, found, decided, left after verification (receipts before surfaces: empty). */
    surfaces: z.array(ReceiptSurface).default([]),
    verification: Verification.omit({ ticketsStillPresent: true, usersStillPresent: true, commentsNotRedacted: true })
      .extend({ ticketsStillPresent: count, usersStillPresent: count, commentsNotRedacted: count })
      .nullable(),
    residue: Residue.nullable(),
    /** Zendesk's own per-product deletion status (absent in receipts written before Lethe read it). */
    zendeskDeletion: ZendeskDeletion.nullable().optional(),
    hashing: z.string(),
  })
  .strict();
export type Receipt = z.infer<typeof Receipt>;

// --- operations ------------------------------------------------------------------------------

const ws = { workspaceId: workspaceId.optional() };
const planRef = { ...ws, planId: uuid };

export const erasureOperations = {
  'erasure.plan': op({
    input: z
      .object({
        ...ws,
        /** The subject's e-mail, or a dossier reference (`subj_<user id>`) whose account's e-mail is used. */
        subject: z.union([email, z.string().regex(/^subj_\d{1,19}$/, 'a subject reference')]),
        /** Without one: the request's regulation, else GDPR. */
        regulation: Regulation.optional(),
        /** The request this erasure answers: the plan takes its regulation, and its entries and receipt name it. */
        requestId: requestId.optional(),
        preparedBy: shortText.optional(),
      })
      .strict(),
    output: ErasurePlan,
    summary: 'Compute the impact preview of erasing a person, offline from the cache, and keep it as a draft',
    example: { workspaceId: 'ws_abcdefgh12', subject: 'jane@example.com', regulation: 'gdpr' },
  }),
  'erasure.saveReceipt': op({
    input: z.object({ ...ws, runId: uuid, format: z.enum(['html', 'json']).default('html') }).strict(),
    output: z.object({ saved: z.boolean(), path: z.string().nullable(), via: z.enum(['dialog', 'path']) }).strict(),
    summary:
      "Desktop app: ask where to save a finished run's deletion receipt and copy it there (browser mode downloads it, the CLI uses its path)",
    example: { workspaceId: 'ws_abcdefgh12', runId: '01890a5d-ac96-774b-bcce-b302099a8057', format: 'html' },
  }),
  'erasure.getPlan': op({
    input: z.object(planRef).strict(),
    output: ErasurePlan,
    summary: 'A plan with its decisions, overrides, approval and revalidation',
    example: { workspaceId: 'ws_abcdefgh12', planId: '01890a5d-ac96-774b-bcce-b302099a8057' },
  }),
  'erasure.override': op({
    input: z
      .object({
        ...planRef,
        target: z.enum(['ticket', 'account']),
        id: zendeskId,
        decision: z.enum(['delete', 'redact', 'keep']),
        reason: reasonText,
        by: shortText.optional(),
      })
      .strict(),
    output: ErasurePlan,
    summary: 'Change the decision on one ticket or account, with the reason (kept in the receipt)',
    example: {
      workspaceId: 'ws_abcdefgh12',
      planId: '01890a5d-ac96-774b-bcce-b302099a8057',
      target: 'ticket',
      id: 42,
      decision: 'keep',
      reason: 'Needed for the pending chargeback',
    },
  }),
  'erasure.chooseName': op({
    input: z
      .object({
        ...planRef,
        /** A mention of the plan (plan.mentions) with a name beside the address. */
        commentId: zendeskId,
        /** true: redact the name with the address (the default); false: keep the name, redact the address only. */
        redact: z.boolean(),
        by: shortText.optional(),
      })
      .strict(),
    output: ErasurePlan,
    summary: "Accept or decline redacting the subject's name beside a quoted address in one mention (a changed plan is checked again)",
    example: { workspaceId: 'ws_abcdefgh12', planId: '01890a5d-ac96-774b-bcce-b302099a8057', commentId: 9001, redact: false },
  }),
  'erasure.approve': op({
    input: z.object({ ...planRef, approver: shortText, note: z.string().max(LIMITS.shortText).optional() }).strict(),
    output: ErasurePlan,
    summary: 'Record a second person’s approval of the plan',
    example: { workspaceId: 'ws_abcdefgh12', planId: '01890a5d-ac96-774b-bcce-b302099a8057', approver: 'A. Auditor' },
  }),
  'erasure.revalidate': op({
    input: z.object(planRef).strict(),
    output: ErasurePlan,
    summary: 'Check the plan against the live helpdesk (status, participants, accounts) and show the differences',
    example: { workspaceId: 'ws_abcdefgh12', planId: '01890a5d-ac96-774b-bcce-b302099a8057' },
  }),
  'erasure.execute': op({
    input: z
      .object({
        ...planRef,
        /** The confirmation names the subject and the counts, so a stale screen cannot run. */
        confirm: z
          .object({
            subject: email,
            deleteTickets: count.max(LIMITS.listItems * 100),
            redactTickets: count.max(LIMITS.listItems * 100),
            /**
             * The mentions left for review (the plan's counts.mentionsForReview), acknowledged as read
             * and kept as they are: a plan with any is refused (mentions_unreviewed) without it.
             */
            mentionsReviewed: count.max(LIMITS.listItems * 100).optional(),
          })
          .strict(),
      })
      .strict(),
    output: RunStatus,
    summary: 'Run a revalidated plan from the journal (in the background; progress as job.progress events)',
    example: {
      workspaceId: 'ws_abcdefgh12',
      planId: '01890a5d-ac96-774b-bcce-b302099a8057',
      confirm: { subject: 'jane@example.com', deleteTickets: 3, redactTickets: 2, mentionsReviewed: 1 },
    },
  }),
  'erasure.status': op({
    input: z.object({ ...ws, runId: uuid }).strict(),
    output: RunStatus,
    summary: 'Progress of a run: operations by state, verification, residue and receipt',
    example: { workspaceId: 'ws_abcdefgh12', runId: '01890a5d-ac96-774b-bcce-b302099a8057' },
  }),
  'erasure.checkZendeskDeletion': op({
    input: z.object({ ...ws, runId: uuid }).strict(),
    output: RunStatus,
    summary: 'Read Zendesk’s own per-product deletion status again for a finished run and update its receipt',
    example: { workspaceId: 'ws_abcdefgh12', runId: '01890a5d-ac96-774b-bcce-b302099a8057' },
  }),
  'erasure.resume': op({
    input: z.object({ ...ws, runId: uuid.optional() }).strict(),
    output: z.object({ runs: z.array(RunStatus) }).strict(),
    summary: 'Resume runs a crash or restart interrupted; nothing already done is sent again',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'erasure.listRuns': op({
    input: z.object(ws).strict(),
    output: z
      .object({
        runs: z.array(
          z
            .object({
              runId: uuid,
              state: ErasurePlan.shape.state,
              phase: RunPhase,
              createdAt: isoDateTime,
              finishedAt: isoDateTime.nullable(),
              subjectRef: z.string().nullable(),
              tickets: count,
            })
            .strict(),
        ),
      })
      .strict(),
    summary: 'Erasure plans and runs of a workspace, newest first (no personal data)',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'erasure.getRules': op({
    input: z.object(ws).strict(),
    output: ExemptionRules,
    summary: 'The exemption rules (tags, custom fields, retention) and execution settings',
    example: { workspaceId: 'ws_abcdefgh12' },
  }),
  'erasure.setRules': op({
    input: z.object({ ...ws, rules: ExemptionRules }).strict(),
    output: ExemptionRules,
    summary: 'Replace the exemption rules used by new plans',
    example: {
      workspaceId: 'ws_abcdefgh12',
      rules: {
        tags: [{ tag: 'legal_hold', ground: 'legal_claims', note: 'Legal hold' }],
        fields: [],
        retentionDays: 0,
        retentionNote: '',
        redactionApi: 'auto',
        requireApproval: false,
      },
    },
  }),
};
