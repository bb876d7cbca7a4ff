import type { ErasurePlan, ExemptionRules, Residue, Verification } from '../../../shared/contract/groups/erasure';
import type { SurfaceId } from '../../../shared/schemas/surfaces';
import type { ZendeskDeletion } from '../../../shared/contract/groups/zendesk-deletion';
import type { StoredOverride } from './decide';

/** What the journal keeps for an erasure run: the plan and everything that happened to it. */
export interface ErasureDocument {
  plan: ErasurePlan;
  overrides: StoredOverride[];
  rules: ExemptionRules;
  verification: Verification | null;
  residue: Residue | null;
  /** Per on-demand surface: the person's items verification still found there (runs before surfaces: absent). */
  surfaceResidue?: Partial<Record<SurfaceId, number>> | null;
  forgotten: { users: number; tickets: number; comments: number; attachments: number; files: number } | null;
  receipt: { json: string; html: string } | null;
  /** Zendesk's own per-product deletion status of the purged accounts, as last read (absent in older runs). */
  zendeskDeletion?: ZendeskDeletion | null;
  /** Until when (epoch ms) the run waits for Support to report complete; kept so a resume does not restart the wait. */
  zendeskDeletionUntil?: number | null;
  /** Requests sent by the run (operations, polls, checks, verification). */
  apiCalls: number;
}

export const RUN_KIND = 'erasure';
