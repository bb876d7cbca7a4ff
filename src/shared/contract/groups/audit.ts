import { z } from 'zod';
import { op } from '../define';
import { LIMITS, shortText, workspaceId } from '../../schemas/common';
import { AuditEntryView, TeamFreshness } from './requests';

const head = z.object({ seq: z.number().int(), hash: z.string() }).strict();

export const AuditVerifyResult = z
  .object({
    ok: z.boolean(),
    /** Entries checked before the first break (all of them when ok). */
    count: z.number().int(),
    total: z.number().int(),
    head: head.nullable(),
    /** The first entry that fails, as stored. */
    brokenAt: z.number().int().nullable(),
    reason: z.enum(['hash_mismatch', 'prev_mismatch', 'seq_gap', 'malformed', 'head_mismatch']).nullable(),
    message: z.string(),
  })
  .strict();
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

const wsOpt = { workspaceId: workspaceId.optional() };

export const auditOperations = {
  'audit.list': op({
    input: z
      .object({
        ...wsOpt,
        requestId: z.string().min(1).max(200).optional(),
        action: z.string().max(100).optional(),
        /** Newest first: entries with seq below this one. */
        beforeSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(AuditEntryView), total: z.number().int(), team: TeamFreshness.optional() }).strict(),
    summary: 'Audit log entries, newest first',
    example: { limit: 100 },
  }),
  'audit.verify': op({
    input: z.object({ ...wsOpt }).strict(),
    output: AuditVerifyResult,
    summary: 'Check the whole hash chain of the audit log and point at the first broken entry',
    example: {},
  }),
  'audit.export': op({
    input: z.object({ ...wsOpt, actor: shortText.max(LIMITS.shortText).optional(), format: z.enum(['csv', 'json']) }).strict(),
    output: z
      .object({ fileName: z.string(), mediaType: z.string(), content: z.string(), count: z.number().int(), verify: AuditVerifyResult })
      .strict(),
    summary: 'The audit log for a regulator, as CSV or JSON, with its verification result and head hash',
    example: { format: 'json' },
  }),
};
