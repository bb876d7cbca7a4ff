import { LetheError } from '../../../../shared/errors';
import type { SubjectLook, SubjectSurfaceProgress } from '../../../../shared/schemas/subject-first';
import type { SqliteDb } from '../../db';
import { stmt } from '../../db/sqlite';
import { writeWhenFree } from '../../db/write-when-free';
import type { ZendeskClient } from '../../helpdesk';
import { errorInfo, SUBJECT_SURFACES, type LookContext, type SubjectSurface } from './surfaces';

export interface LookOptions {
  signal: AbortSignal;
  confirmed: (userId: number) => number[];
  /** After every change of a surface's state or count. */
  onProgress?: (look: SubjectLook) => void;
  /** Tests and new surfaces: the list to iterate (default SUBJECT_SURFACES). */
  surfaces?: readonly SubjectSurface[];
  now?: () => Date;
}

/**
 * Finds a person from their e-mail through the account budget and writes everything about them
 * into the cache, surface by surface, then records the look (its outcome per surface, what is
 * missing) so the dossier can say how complete it is. A surface that fails after the client's
 * retries is noted and the look goes on: the officer gets every part that could be fetched and
 * the list of what could not, never a silent gap. Only a cancelled look stops early.
 */
export async function runSubjectFirstLook(
  db: SqliteDb,
  client: ZendeskClient,
  rawEmail: string,
  options: LookOptions,
): Promise<SubjectLook> {
  const email = rawEmail.trim().toLowerCase();
  const now = options.now ?? (() => new Date());
  const surfaces = options.surfaces ?? SUBJECT_SURFACES;
  const startedAt = now().toISOString();
  const lookId = await writeWhenFree(db, () =>
    Number(
      stmt(db, `INSERT INTO subject_looks (email, started_at, outcome) VALUES (?, ?, 'running')`).run(email, startedAt).lastInsertRowid,
    ),
  );
  const progress: SubjectSurfaceProgress[] = surfaces.map((s) => ({
    id: s.id,
    label: s.label,
    state: 'queued',
    items: 0,
    calls: 0,
    error: null,
  }));
  const ctx: LookContext = {
    db,
    client,
    signal: options.signal,
    email,
    found: [],
    person: [],
    confirmed: options.confirmed,
    tickets: new Map(),
    missing: [],
    calls: 0,
  };
  const look = (): SubjectLook => ({
    lookId,
    email,
    userIds: ctx.person.length > 0 ? [...ctx.person] : ctx.found.map((u) => u.id),
    startedAt,
    finishedAt: null,
    outcome: 'running',
    surfaces: progress.map((p) => ({ ...p })),
    missing: [...ctx.missing],
    apiCalls: ctx.calls,
  });
  const tell = () => options.onProgress?.(look());

  let outcome: SubjectLook['outcome'] = 'complete';
  for (const [i, surface] of surfaces.entries()) {
    const p = progress[i]!;
    if (outcome === 'not_found' || outcome === 'failed') {
      p.state = 'skipped';
      continue;
    }
    const before = ctx.calls;
    p.state = 'running';
    tell();
    try {
      p.items = await surface.run(ctx, (items) => {
        p.items = items;
        p.calls = ctx.calls - before;
        tell();
      });
      p.state = 'done';
    } catch (error) {
      if (options.signal.aborted) throw new LetheError('cancelled', 'Subject-first look cancelled');
      p.state = 'failed';
      p.error = errorInfo(error);
      if (!(error as { noted?: boolean }).noted) ctx.missing.push(`${surface.label}: ${p.error.code}`);
      // Without the accounts nothing else can be asked for.
      outcome = i === 0 ? 'failed' : 'incomplete';
    }
    p.calls = ctx.calls - before;
    if (i === 0 && outcome === 'complete' && ctx.found.length === 0) outcome = 'not_found';
    tell();
  }

  const final: SubjectLook = { ...look(), outcome, finishedAt: now().toISOString() };
  await writeWhenFree(db, () => {
    stmt(db, 'UPDATE subject_looks SET finished_at = ?, outcome = ?, surfaces = ?, missing = ?, api_calls = ? WHERE id = ?').run(
      final.finishedAt,
      final.outcome,
      JSON.stringify(final.surfaces),
      JSON.stringify(final.missing),
      final.apiCalls,
      lookId,
    );
    for (const userId of final.userIds)
      stmt(db, 'INSERT OR IGNORE INTO subject_look_accounts (user_id, look_id) VALUES (?, ?)').run(userId, lookId);
  });
  options.onProgress?.(final);
  return final;
}
