import type { ErasurePlan, ExemptionRules, Regulation } from '../../../shared/contract/groups/erasure';
import { dataAsOf, type SqliteDb } from '../db';
import { decide, type Decided, type StoredOverride } from './decide';
import { gatherFacts, type SubjectFacts } from './facts';
import { resolveSubject } from './subject';

export interface ComputedPreview {
  facts: SubjectFacts;
  decided: Decided;
  dataAsOf: string | null;
}

/** The preview, offline: subject → facts from the cache → decisions. No network. */
export function computePreview(
  db: SqliteDb,
  email: string,
  rules: ExemptionRules,
  regulation: Regulation,
  overrides: readonly StoredOverride[] = [],
  now: number = Date.now(),
): ComputedPreview {
  const subject = resolveSubject(db, email);
  const facts = gatherFacts(db, subject);
  return { facts, decided: decide(facts, rules, regulation, overrides, now), dataAsOf: dataAsOf(db) };
}

/** Writes decided items into a plan, keeping its identity, approval and history fields. */
export function withDecisions(plan: ErasurePlan, decided: Decided): ErasurePlan {
  return { ...plan, tickets: decided.tickets, accounts: decided.accounts, counts: decided.counts, fingerprint: decided.fingerprint };
}
