import type { ErasurePlan, ExemptionRules, Residue, Verification } from '../../../shared/contract/groups/erasure';
import type { StoredOverride } from './decide';

/** What the journal keeps for an erasure run: the plan and everything that happened to it. */
export interface ErasureDocument {
  plan: ErasurePlan;
  overrides: StoredOverride[];
  rules: ExemptionRules;
  verification: Verification | null;
  residue: Residue | null;
  forgotten: { users: number; tickets: number; comments: number; attachments: number; files: number } | null;
  receipt: { json: string; html: string } | null;
  /** Requests sent by the run (operations, polls, checks, verification). */
  apiCalls: number;
}

export const RUN_KIND = 'erasure';
