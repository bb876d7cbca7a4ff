import type { ErasurePlan, ExemptionRules, Regulation } from '../../../shared/contract/groups/erasure';
import { LetheError } from '../../../shared/errors';
import { dataAsOf, type SqliteDb } from '../db';
import type { CoreServices } from '../services';
import { openLinkRegister } from '../subjects/links';
import { emailOfAccount, resolvePerson, subjectByEmail, subjectOfPerson, userExists, type ResolvedSubject } from '../subjects/person';
import { decide, type Decided, type StoredOverride } from './decide';
import { gatherFacts, type SubjectFacts } from './facts';

export interface ComputedPreview {
  facts: SubjectFacts;
  decided: Decided;
  dataAsOf: string | null;
}

/**
 * Who a new plan is for. A dossier reference (`subj_<user id>`) names that account's person, an
 * e-mail the person of the account holding it; either way only the confirmed accounts (subjects/
 * person.ts decides, for the dossier and the archives too).
 */
export async function subjectForNewPlan(s: CoreServices, workspaceId: string, db: SqliteDb, subject: string): Promise<ResolvedSubject> {
  const register = await openLinkRegister(s, workspaceId, db);
  const ref = /^subj_(\d+)$/.exec(subject);
  if (!ref) return subjectByEmail(db, register, subject);
  const userId = Number(ref[1]);
  const email = userExists(db, userId) ? emailOfAccount(db, userId) : null;
  if (!email) throw new LetheError('not_found', 'That person has no e-mail address in the cache; erasure plans start from an e-mail');
  return subjectOfPerson(db, resolvePerson(db, register, userId), email);
}

/**
 * Who an existing plan is for, now. Every account the plan names must still be confirmed as the
 * person of its first (requested) account: a plan that names an account an officer has not
 * confirmed (or has since unlinked) is refused, and nothing runs. Accounts the cache no longer
 * holds are the revalidation's business (it reads them live), not a refusal.
 */
export async function subjectOfPlan(s: CoreServices, workspaceId: string, db: SqliteDb, plan: ErasurePlan): Promise<ResolvedSubject> {
  const register = await openLinkRegister(s, workspaceId, db);
  const held = plan.subject.userIds.filter((id) => userExists(db, id));
  const requested = held[0];
  if (requested === undefined) return subjectByEmail(db, register, plan.subject.email);
  const person = resolvePerson(db, register, requested);
  const confirmed = new Set(person.userIds);
  const stray = held.filter((id) => !confirmed.has(id));
  if (stray.length > 0) {
    throw new LetheError(
      'conflict',
      `This plan names ${stray.length} account(s) not confirmed as the same person; confirm the link in the dossier or plan again`,
      { reason: 'account_not_confirmed', accounts: stray.length },
    );
  }
  return subjectOfPerson(db, person, plan.subject.email);
}

/** The preview, offline: subject → facts from the cache → decisions. No network. */
export function computePreview(
  db: SqliteDb,
  subject: ResolvedSubject,
  rules: ExemptionRules,
  regulation: Regulation,
  overrides: readonly StoredOverride[] = [],
  now: number = Date.now(),
): ComputedPreview {
  const facts = gatherFacts(db, subject);
  return { facts, decided: decide(facts, rules, regulation, overrides, now), dataAsOf: dataAsOf(db) };
}

/** Writes decided items into a plan, keeping its identity, approval and history fields. */
export function withDecisions(plan: ErasurePlan, decided: Decided): ErasurePlan {
  return {
    ...plan,
    tickets: decided.tickets,
    accounts: decided.accounts,
    mentions: decided.mentions,
    counts: decided.counts,
    fingerprint: decided.fingerprint,
  };
}
