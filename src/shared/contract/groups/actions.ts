import { z } from 'zod';
import { op } from '../define';
import { isoDateTime, LIMITS, workspaceId } from '../../schemas/common';

/**
 * Actions on the subject's helpdesk account: restriction of processing (GDPR Art. 18),
 * rectification (Art. 16 / CCPA §1798.106 / LGPD Art. 18 III) and objection (Art. 21). Each action
 * is a run in the workspace's journal, so one taken offline waits there and is revalidated against
 * the live API before it is sent.
 */

const zendeskId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const subjectRef = z.string().regex(/^subj_[1-9][0-9]{0,15}$/, 'a subject reference looks like subj_ followed by the helpdesk user id');
const runId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'an id as Lethe issues them (UUID v7)');
const requestId = z.string().regex(/^req_[a-z0-9]{8,32}$/, 'a request id looks like req_ followed by lowercase letters and digits');
const actor = z.string().trim().min(1).max(LIMITS.shortText);
const tagName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[^\s,]+$/, 'a Zendesk tag has no spaces or commas');
const fieldKey = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9_]+$/, 'a user field key is lowercase letters, digits and underscores');
const fieldValue = z.union([z.string().max(LIMITS.shortText), z.boolean(), z.null()]);
const recipient = z.string().trim().min(1).max(120);
const email = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address');

export const ACTION_KINDS = ['restrict', 'lift_restriction', 'rectify', 'object'] as const;
export const ActionKind = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof ActionKind>;

export const OBJECTION_KINDS = ['marketing', 'processing'] as const;
export const ObjectionKind = z.enum(OBJECTION_KINDS);
export type ObjectionKind = z.infer<typeof ObjectionKind>;

/** queued: waiting for the helpdesk (offline, or an answer not yet confirmed); stopped: revalidation refused it. */
export const ACTION_STATES = ['queued', 'done', 'failed', 'stopped'] as const;
export const ActionState = z.enum(ACTION_STATES);
export type ActionState = z.infer<typeof ActionState>;

const userFieldSetting = z.object({ key: fieldKey, value: fieldValue }).strict();
const objectionSetting = z
  .object({
    tags: z.array(tagName).max(20),
    userFields: z.array(userFieldSetting).max(20),
  })
  .strict();

export const ActionSettings = z
  .object({
    /** Put on a restricted user, so helpdesk automations and agents can see the restriction. */
    restrictionTag: tagName,
    objection: z.object({ marketing: objectionSetting, processing: objectionSetting }).strict(),
    /** Who received the data and must hear of a rectification or restriction (Art. 19): systems, processors. */
    recipients: z.array(recipient).max(50),
  })
  .strict();
export type ActionSettings = z.infer<typeof ActionSettings>;

export const DEFAULT_ACTION_SETTINGS: ActionSettings = {
  restrictionTag: 'gdpr_restricted',
  objection: {
    marketing: { tags: ['no_marketing'], userFields: [] },
    processing: { tags: ['gdpr_objection'], userFields: [] },
  },
  recipients: [],
};

/** Profile fields rectification may change; e-mail goes through identities, see `email`. */
export const RectifyFields = z
  .object({
    name: z.string().trim().min(1).max(LIMITS.shortText).optional(),
    phone: z.string().trim().max(40).optional(),
    alias: z.string().trim().max(LIMITS.shortText).optional(),
    details: z.string().max(2_000).optional(),
    notes: z.string().max(2_000).optional(),
    userFields: z
      .record(fieldKey, fieldValue)
      .refine((r) => Object.keys(r).length <= 50, 'at most 50 user fields at once')
      .optional(),
    /**
     * Organization fields that hold the person's address or number (a billing contact): the new
     * value, or null (or '') to clear it. Only a field the dossier lists as holding the person.
     */
    organizationFields: z
      .array(
        z
          .object({
            organizationId: zendeskId,
            key: fieldKey,
            value: z.string().trim().max(LIMITS.shortText).nullable(),
          })
          .strict(),
      )
      .max(20)
      .refine(
        (list) => new Set(list.map((f) => `${f.organizationId}:${f.key}`)).size === list.length,
        'each organization field at most once',
      )
      .optional(),
  })
  .strict();
export type RectifyFields = z.infer<typeof RectifyFields>;

const diffValue = z.union([z.string(), z.boolean(), z.null()]);
export const FieldChange = z.object({ field: z.string(), before: diffValue, after: diffValue }).strict();
export type FieldChange = z.infer<typeof FieldChange>;

const Recipient = z.object({ name: z.string(), notified: z.boolean() }).strict();

export const ActionView = z
  .object({
    id: z.string(),
    action: ActionKind,
    objection: ObjectionKind.nullable(),
    subjectRef: z.string(),
    userIds: z.array(z.number().int()),
    state: ActionState,
    /** Field names only (the values live in the journal until the action settles). */
    fields: z.array(z.string()),
    emailChange: z.boolean(),
    recipients: z.array(Recipient),
    operations: z
      .object({
        planned: z.number().int(),
        sent: z.number().int(),
        done: z.number().int(),
        failed: z.number().int(),
        skipped: z.number().int(),
      })
      .strict(),
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
    requestId: z.string().nullable(),
    reason: z.string().nullable().default(null),
    actor: z.string(),
    createdAt: isoDateTime,
    finishedAt: isoDateTime.nullable(),
  })
  .strict();
export type ActionView = z.infer<typeof ActionView>;

export const RESTRICTION_STATES = ['none', 'restricting', 'restricted', 'lifting'] as const;
export const SubjectActionState = z
  .object({
    restriction: z.enum(RESTRICTION_STATES),
    /** The action that set the current restriction state, if any. */
    since: isoDateTime.nullable(),
    actionId: z.string().nullable(),
    requestId: z.string().nullable(),
    objections: z.array(ObjectionKind),
  })
  .strict();
export type SubjectActionState = z.infer<typeof SubjectActionState>;

export const ActionResult = z
  .object({
    action: ActionView,
    /** True when the helpdesk could not be reached: the action waits in the journal for `actions.flush`. */
    queued: z.boolean(),
    /** Rectification only: what changes, as read from the live helpdesk (or the cache when offline). */
    diff: z.array(FieldChange),
    /** Whether the person's cached profile was refreshed from the helpdesk after the change. */
    cacheRefreshed: z.boolean(),
  })
  .strict();
export type ActionResult = z.infer<typeof ActionResult>;

const common = {
  workspaceId: workspaceId.optional(),
  subjectRef,
  actor: actor.optional(),
  requestId: requestId.optional(),
  /** Why the officer acts (kept with the action in the journal, not in the audit trail: it may name people). */
  reason: z.string().trim().min(1).max(LIMITS.shortText).optional(),
};
/** Every account of the person (merged dossiers); defaults to the one the reference names. */
const userIds = z.array(zendeskId).min(1).max(20).optional();

export const actionOperations = {
  'actions.restrict': op({
    input: z.object({ ...common, userIds }).strict(),
    output: ActionResult,
    summary: 'Restrict processing (GDPR Art. 18): suspend the helpdesk user, add the restriction tag, revoke their sessions',
    example: { subjectRef: 'subj_380000000005' },
  }),
  'actions.liftRestriction': op({
    input: z
      .object({
        ...common,
        userIds,
        /** Art. 18(3): the person must be informed before the restriction is lifted. */
        informedSubject: z.literal(true),
      })
      .strict(),
    output: ActionResult,
    summary: 'Lift a restriction (unsuspend, remove the tag) once the person has been informed (Art. 18(3))',
    example: { subjectRef: 'subj_380000000005', informedSubject: true },
  }),
  'actions.rectify': op({
    input: z
      .object({
        ...common,
        userId: zendeskId.optional(),
        fields: RectifyFields.default({}),
        /** The new primary e-mail: added as an identity, made primary, then the old primary removed. */
        newEmail: email.optional(),
        /** Recipients (Art. 19) already informed; the rest stay open on the checklist. */
        notified: z.array(recipient).max(50).optional(),
        /** Compute the diff only; nothing is changed or recorded. */
        dryRun: z.boolean().optional(),
      })
      .strict(),
    output: ActionResult,
    summary: 'Rectify profile fields and the primary e-mail (Art. 16), returning the before/after diff',
    example: { subjectRef: 'subj_380000000005', fields: { name: 'Giorgos Papadopoulos' }, dryRun: true },
  }),
  'actions.object': op({
    input: z.object({ ...common, userIds, kind: ObjectionKind }).strict(),
    output: ActionResult,
    summary: 'Record an objection (Art. 21) or opt-out: apply the configured tags and user fields',
    example: { subjectRef: 'subj_380000000005', kind: 'marketing' },
  }),
  'actions.list': op({
    input: z
      .object({
        workspaceId: workspaceId.optional(),
        subjectRef: subjectRef.optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: z.object({ actions: z.array(ActionView) }).strict(),
    summary: 'Actions taken on a subject (or all), newest first, queued ones included',
    example: { subjectRef: 'subj_380000000005' },
  }),
  'actions.state': op({
    input: z.object({ workspaceId: workspaceId.optional(), subjectRef }).strict(),
    output: SubjectActionState,
    summary: 'Whether the person is restricted (or being restricted or lifted) and which objections are in effect, from the journal',
    example: { subjectRef: 'subj_380000000005' },
  }),
  'actions.flush': op({
    input: z.object({ workspaceId: workspaceId.optional() }).strict(),
    output: z
      .object({
        attempted: z.number().int(),
        done: z.number().int(),
        queued: z.number().int(),
        failed: z.number().int(),
        stopped: z.number().int(),
      })
      .strict(),
    summary: 'Revalidate queued actions against the live helpdesk and send them',
    example: {},
  }),
  'actions.setNotified': op({
    input: z
      .object({ workspaceId: workspaceId.optional(), actionId: runId, recipient, notified: z.boolean(), actor: actor.optional() })
      .strict(),
    output: ActionView,
    summary: 'Tick (or untick) a recipient informed of the change (Art. 19)',
    example: { actionId: '01890a5d-ac96-774b-bcce-b302099a8057', recipient: 'Newsletter platform', notified: true },
  }),
  'actions.getSettings': op({
    input: z.object({ workspaceId: workspaceId.optional() }).strict(),
    output: ActionSettings,
    summary: 'The restriction tag, the objection tags and user fields, and the Art. 19 recipients',
    example: {},
  }),
  'actions.setSettings': op({
    input: z.object({ workspaceId: workspaceId.optional(), settings: ActionSettings }).strict(),
    output: ActionSettings,
    summary: 'Change the restriction tag, the objection tags and user fields, and the Art. 19 recipients',
    example: { settings: DEFAULT_ACTION_SETTINGS },
  }),
};
