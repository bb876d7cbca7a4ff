import type { DossierCompleteness } from '../../../shared/schemas/subject-first';
import { SYNC_STREAMS } from '../../../shared/contract/groups/sync';
import { stmt, type SqliteDb } from '../db/sqlite';

const IDS = '(SELECT value FROM json_each(?))';

/**
 * How much of a person the cache can answer for. A full sync (every stream at its end once)
 * answers everything. Before that, a finished subject-first look answers everything reachable
 * from the person's own accounts: profile, identities, organisations, tickets by every role and
 * those tickets' comments. What it cannot know is where OTHER people's comments name the person:
 * that needs every comment of the account, i.e. the ticket events stream at its end once.
 */
export function dossierCoverage(db: SqliteDb, userIds: number[]): DossierCompleteness {
  const done = new Set(stmt(db, 'SELECT resource FROM sync_state WHERE last_success_at IS NOT NULL').pluck().all() as string[]);
  const fullSync = SYNC_STREAMS.every((s) => done.has(s));
  const row = stmt(
    db,
    `SELECT l.id, l.outcome, l.finished_at AS finishedAt, l.missing FROM subject_looks l
      WHERE l.id = (SELECT max(look_id) FROM subject_look_accounts WHERE user_id IN ${IDS})`,
  ).get(JSON.stringify(userIds)) as
    | { id: number; outcome: NonNullable<DossierCompleteness['subjectFirst']>['outcome']; finishedAt: string | null; missing: string }
    | undefined;
  const subjectFirst = row
    ? {
        lookId: row.id,
        outcome: row.outcome,
        completeAsOf: row.outcome === 'complete' ? row.finishedAt : null,
        missing: JSON.parse(row.missing) as string[],
      }
    : null;
  const unknown: DossierCompleteness['unknown'] = [];
  if (!done.has('ticket_events'))
    unknown.push({
      part: 'mentions',
      why: "Mentions of this person in other people's tickets need the full comment index; they appear when the sync has read every comment.",
    });
  if (!fullSync && !subjectFirst)
    unknown.push({ part: 'everything', why: 'The cache is not fully synced and no subject-first look was made for this person.' });
  if (subjectFirst && subjectFirst.missing.length > 0 && !fullSync)
    unknown.push({ part: 'missing', why: `The subject-first look could not fetch: ${subjectFirst.missing.join('; ')}` });
  return { fullSync, subjectFirst, unknown };
}
