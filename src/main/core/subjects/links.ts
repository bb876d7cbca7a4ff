import { LetheError } from '../../../shared/errors';
import type { LinkDecisionKind } from '../../../shared/contract/groups/subjects';
import { appendAudit, openAuditContext, type AppendAuditInput } from '../audit/audit-log';
import { subjectRef as keyedRef } from '../audit/chain';
import type { SqliteDb } from '../db';
import { stmt } from '../db/sqlite';
import { writeWhenFree } from '../db/write-when-free';
import { defaultActor, openRegisterDb } from '../requests/register-store';
import type { CoreServices } from '../services';
import { teamLinks, type TeamLinkRow, type TeamLinks } from '../team/team-links';
import { recordFormerIdentity, type FormerIdentity } from './former-identities';
import { decisionFor, pairOf, resolvePerson, userExists, type Person } from './person';
import { subjectRefFor, userIdOfRef } from './subject-ref';

/**
 * An officer's decisions on suggested links: confirm (the same person), reject (not the same
 * person), undo. Each is written to the durable register with its audit entry: the decision and
 * its record stand together or not at all (see withAudit). The audit entry names
 * both accounts only by keyed hash and carries the evidence's shape (identity types, how many
 * accounts shared them), never the values or the reason (free text may name someone).
 */

export interface LinkStores {
  workspaceId: string;
  register: SqliteDb;
  /** Keys the other account's reference in the audit data. */
  auditKey: Buffer;
  /** Appends one entry to the workspace's audit chain (appendAudit: wherever the chain lives). */
  audit: (entry: AppendAuditInput) => Promise<unknown>;
  /** Team mode: decisions are the team's (`register` is then an in-memory copy of them). */
  team?: TeamLinks;
}

/** The register with the decisions, for reading who a person is (no keychain needed). */
export async function openLinkRegister(s: CoreServices, workspaceId: string, cache: SqliteDb): Promise<SqliteDb> {
  const team = await teamLinks(s, workspaceId);
  if (team) return team.register;
  const register = await openRegisterDb(s, workspaceId);
  await importLegacyMerges(cache, register);
  return register;
}

/**
 * Keeps an address the person no longer has as theirs (#19 item 7): in the team's database in
 * team mode, so every machine reads it, else in this machine's register.
 */
export async function keepFormerIdentity(s: CoreServices, workspaceId: string, former: FormerIdentity): Promise<void> {
  const team = await teamLinks(s, workspaceId);
  if (team) return team.recordFormer(former);
  recordFormerIdentity(await openRegisterDb(s, workspaceId), former);
}

/** The register and the audit key, for recording a decision. */
export async function openLinkStores(s: CoreServices, workspaceId: string, cache: SqliteDb): Promise<LinkStores> {
  const team = await teamLinks(s, workspaceId);
  if (team) return { workspaceId, register: team.register, auditKey: team.auditKey, audit: () => Promise.resolve(), team };
  const ctx = await openAuditContext(s, workspaceId);
  await importLegacyMerges(cache, ctx.db);
  return {
    workspaceId: ctx.workspaceId,
    register: ctx.db,
    auditKey: ctx.auditKey,
    audit: (entry) => appendAudit(s, ctx.workspaceId, entry),
  };
}

/**
 * Hand merges of earlier versions lived in the cache's `subject_links`, which a cache reset
 * loses: they are officer decisions, so they move to the register once (as confirmed links) and
 * leave the cache.
 */
async function importLegacyMerges(cache: SqliteDb, register: SqliteDb): Promise<void> {
  const rows = stmt(cache, 'SELECT user_id, linked_user_id, reason, created_at FROM subject_links').all() as Array<{
    user_id: number;
    linked_user_id: number;
    reason: string;
    created_at: string;
  }>;
  if (rows.length === 0) return;
  const insert = stmt(
    register,
    `INSERT OR IGNORE INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at, evidence)
     VALUES (?, ?, 'confirmed', ?, 'merged by hand (earlier version)', ?, '[]')`,
  );
  register.transaction(() => {
    for (const r of rows) insert.run(...pairOf(r.user_id, r.linked_user_id), r.reason, r.created_at);
  })();
  await writeWhenFree(cache, () => stmt(cache, 'DELETE FROM subject_links').run());
}

export interface DecideInput {
  subjectUserId: number;
  otherUserId: number;
  decision: LinkDecisionKind;
  reason: string;
  by?: string | undefined;
  /** The request the decision was taken for, named by its audit entry. */
  requestId?: string | undefined;
  now?: Date;
}

/**
 * The decision row is written first and the audit entry appended after it (the chain may live in
 * another database: a team's); if the entry cannot be appended, the row is put back as it was, so
 * a decision never stands without its record.
 */
async function withAudit(
  stores: LinkStores,
  a: number,
  b: number,
  write: () => void,
  entry: AppendAuditInput,
  teamRow: TeamLinkRow | null,
): Promise<void> {
  const [lo, hi] = pairOf(a, b);
  // Team mode: the decision and its entry commit together in the team database, which refreshes the copy.
  if (stores.team) return stores.team.record([lo, hi], teamRow, entry);
  const previous = decisionFor(stores.register, a, b);
  stores.register.transaction(write).immediate();
  try {
    await stores.audit(entry);
  } catch (error) {
    stores.register
      .transaction(() => {
        stmt(stores.register, 'DELETE FROM identity_links WHERE user_id = ? AND linked_user_id = ?').run(lo, hi);
        if (previous !== undefined) {
          stmt(
            stores.register,
            `INSERT INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at, evidence)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ).run(lo, hi, previous.decision, previous.reason, previous.decided_by, previous.decided_at, previous.evidence);
        }
      })
      .immediate();
    throw error;
  }
}

/** Records the officer's decision on one link of the person `subjectUserId` belongs to. */
export async function decideLink(cache: SqliteDb, stores: LinkStores, input: DecideInput): Promise<Person> {
  const { subjectUserId: a, otherUserId: b } = input;
  if (a === b) throw new LetheError('invalid_input', 'An account cannot be linked with itself');
  if (!userExists(cache, a) || !userExists(cache, b)) throw new LetheError('not_found', 'Both accounts must be in the local cache');
  const before = resolvePerson(cache, stores.register, a);
  const suggestion = before.suggestions.find((s) => s.userId === b);
  if (input.decision === 'rejected' && before.userIds.includes(b) && decisionFor(stores.register, a, b) === undefined) {
    // Confirmed through a third account: rejecting this pair would not separate them.
    throw new LetheError('conflict', 'This account is the same person through another confirmed link; undo that link instead', {
      reason: 'linked_through_another_account',
    });
  }
  const by = stores.team?.role ?? ((input.by ?? defaultActor()).trim() || 'system');
  const at = (input.now ?? new Date()).toISOString();
  const evidence = (suggestion?.evidence ?? []).map((e) => ({ identityType: e.identityType, sharedBy: e.sharedBy }));
  const [lo, hi] = pairOf(a, b);
  await withAudit(
    stores,
    a,
    b,
    () =>
      stmt(
        stores.register,
        `INSERT INTO identity_links (user_id, linked_user_id, decision, reason, decided_by, decided_at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, linked_user_id) DO UPDATE SET decision = excluded.decision, reason = excluded.reason,
           decided_by = excluded.decided_by, decided_at = excluded.decided_at, evidence = excluded.evidence`,
      ).run(lo, hi, input.decision, input.reason, by, at, JSON.stringify(evidence)),
    {
      actor: by,
      action: input.decision === 'confirmed' ? 'subjects.link_confirmed' : 'subjects.link_rejected',
      subject: subjectRefFor(a),
      ...(input.requestId ? { requestId: input.requestId } : {}),
      at,
      data: linkAuditData(stores.auditKey, b, evidence, suggestion !== undefined),
    },
    { decision: input.decision, reason: input.reason, decidedAt: at, evidence: JSON.stringify(evidence) },
  );
  return resolvePerson(cache, stores.register, a);
}

/** Forgets the decision on a pair: a confirmed account leaves the person, a rejected one is a suggestion again. */
export async function undoLink(
  cache: SqliteDb,
  stores: LinkStores,
  input: { subjectUserId: number; otherUserId: number; by?: string | undefined; requestId?: string | undefined },
): Promise<Person> {
  const { subjectUserId: a, otherUserId: b } = input;
  const existing = decisionFor(stores.register, a, b);
  if (existing === undefined) throw new LetheError('not_found', 'There is no decision on these two accounts to undo');
  const by = stores.team?.role ?? ((input.by ?? defaultActor()).trim() || 'system');
  await withAudit(
    stores,
    a,
    b,
    () => stmt(stores.register, 'DELETE FROM identity_links WHERE user_id = ? AND linked_user_id = ?').run(...pairOf(a, b)),
    {
      actor: by,
      action: 'subjects.link_undone',
      subject: subjectRefFor(a),
      ...(input.requestId ? { requestId: input.requestId } : {}),
      at: new Date().toISOString(),
      data: { linkedAccount: keyedRef(stores.auditKey, subjectRefFor(b)), was: existing.decision },
    },
    null,
  );
  return resolvePerson(cache, stores.register, a);
}

function linkAuditData(
  key: Buffer,
  other: number,
  evidence: Array<{ identityType: string; sharedBy: number }>,
  suggested: boolean,
): Record<string, unknown> {
  return {
    linkedAccount: keyedRef(key, subjectRefFor(other)),
    // Whether Lethe had suggested it, and on what: "a phone on 2 accounts", never the number.
    suggested,
    evidence: evidence.map((e) => ({ type: e.identityType, sharedBy: e.sharedBy })),
  };
}

/**
 * The accounts an action on `subjectRef` may touch: the given ones, each of which must be one of
 * the person's confirmed accounts (else `conflict`, reason `account_not_confirmed`, and nothing
 * is queued), or all of them when none are given. A subject the cache does not hold has no
 * confirmed links to follow: only its own account.
 */
export async function confirmedAccountsFor(
  s: CoreServices,
  workspaceId: string,
  subjectRef: string,
  requested: readonly number[] | undefined,
): Promise<number[]> {
  const own = userIdOfRef(subjectRef);
  const cache = await s.caches.open(workspaceId);
  let confirmed = [own];
  if (userExists(cache.db, own)) {
    confirmed = resolvePerson(cache.db, await openLinkRegister(s, workspaceId, cache.db), own).userIds;
  }
  if (requested === undefined || requested.length === 0) return confirmed;
  const allowed = new Set(confirmed);
  const stray = [...new Set(requested)].filter((id) => !allowed.has(id));
  if (stray.length > 0) {
    throw new LetheError('conflict', `${stray.length} account(s) are not confirmed as this person; confirm the link in the dossier first`, {
      reason: 'account_not_confirmed',
      accounts: stray.length,
    });
  }
  return [...new Set(requested)];
}
