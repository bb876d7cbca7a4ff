import { useEffect, useId, useState } from 'react';
import type { EventPayload } from '../../../../shared/contract/events';
import type { SubjectLook, SubjectSurfaceProgress } from '../../../../shared/schemas/subject-first';
import { SUBJECT_SURFACE_LABELS, type SubjectSurfaceId } from '../../../../shared/subject-surfaces';
import { useApi, useMutation, useOperation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { dossierHref } from './search-state';

/** A whole address: a look needs the e-mail the person wrote from, not a part of it. */
export const FULL_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/u;

type Row = Pick<SubjectSurfaceProgress, 'id' | 'label' | 'state' | 'items'> & { message: string | null };

const STATE_WORDS: Record<Row['state'], string> = {
  queued: 'Waiting',
  running: 'Fetching…',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

const initialRows = (): Row[] =>
  (Object.keys(SUBJECT_SURFACE_LABELS) as SubjectSurfaceId[]).map((id) => ({
    id,
    label: SUBJECT_SURFACE_LABELS[id],
    state: 'queued',
    items: 0,
    message: null,
  }));

/**
 * A subject-first look from the search page: the person behind a full e-mail address fetched now
 * through the account budget, before or while the first sync runs. Each place is shown as it is
 * fetched (from the core's sync.progress events), then as the finished look reports it, with what
 * is missing and what only the full sync can tell.
 */
export function SubjectFirstPanel({ email, found }: { email: string; found: number }): React.JSX.Element {
  const id = useId();
  const api = useApi();
  const look = useMutation('sync.subjectFirst');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [result, setResult] = useState<SubjectLook | null>(null);

  useEffect(() => {
    if (!look.pending) return undefined;
    return api.subscribe((name, payload) => {
      if (name !== 'sync.progress') return;
      const p = payload as EventPayload<'sync.progress'>;
      if (!p.resource.startsWith('subject-first:')) return;
      const surface = p.resource.slice('subject-first:'.length);
      const state: Row['state'] = p.phase === 'done' ? 'done' : p.phase === 'running' ? 'running' : 'failed';
      setRows((prev) =>
        (prev ?? initialRows()).map((r) => (r.id === surface ? { ...r, state, items: p.done, message: p.message ?? null } : r)),
      );
    });
  }, [api, look.pending]);

  const start = async () => {
    setResult(null);
    setRows(initialRows());
    const done = await look.run({ email });
    if (done) {
      setResult(done);
      setRows(done.surfaces.map((s) => ({ ...s, message: s.error ? `${s.error.code}: ${s.error.message}` : null })));
    }
  };

  const person = result?.userIds[0];
  return (
    <section className="card subject-first" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Fetch this person from the helpdesk now</h2>
      <p className="muted">
        {found === 0 ? 'Nobody in the local cache has this address yet. ' : ''}
        Lethe can fetch {email}’s accounts, tickets and comments now, without waiting for the full sync; the calls count against the
        account’s budget.
      </p>
      <button type="button" className="button primary" disabled={look.pending} onClick={() => void start()}>
        {look.pending ? 'Fetching…' : result ? 'Fetch again' : `Fetch ${email}`}
      </button>
      {look.error ? <ErrorBanner error={look.error} title="The look could not run" /> : null}
      {rows ? (
        <table className="table subject-first-table" aria-label="What is being fetched">
          <thead>
            <tr>
              <th scope="col">Place</th>
              <th scope="col">State</th>
              <th scope="col">Found</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-surface={r.id} data-state={r.state}>
                <th scope="row">{r.label}</th>
                <td>
                  <span className={`look-state look-${r.state}`}>{STATE_WORDS[r.state]}</span>
                  {r.message ? <span className="muted"> · {r.message}</span> : null}
                </td>
                <td className="num">{r.state === 'queued' || r.state === 'skipped' ? '—' : r.items}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {look.pending ? (
        <p className="muted" role="status">
          Fetching from the helpdesk… the dossier fills in as each place is done.
        </p>
      ) : null}
      {result ? <LookOutcome look={result} person={person} /> : null}
    </section>
  );
}

function LookOutcome({ look, person }: { look: SubjectLook; person: number | undefined }): React.JSX.Element {
  const when = look.finishedAt ? new Date(look.finishedAt).toLocaleString() : null;
  return (
    <div className="subject-first-outcome" role="status">
      {look.outcome === 'not_found' ? (
        <p>The helpdesk has no account with {look.email}.</p>
      ) : look.outcome === 'complete' ? (
        <p>
          <strong>Complete for this person</strong>
          {when ? ` as of ${when}` : ''} ({look.apiCalls} calls to the helpdesk).
        </p>
      ) : (
        <p>
          <strong>{look.outcome === 'failed' ? 'The look failed' : 'Incomplete'}</strong>: some places could not be fetched ({look.apiCalls}{' '}
          calls).
        </p>
      )}
      {look.missing.length > 0 ? (
        <>
          <h3>Missing</h3>
          <ul className="subject-first-missing">
            {look.missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      ) : null}
      {person !== undefined ? <StillUnknown subjectRef={`subj_${person}`} email={look.email} /> : null}
    </div>
  );
}

/** What the dossier itself says it cannot answer yet (e.g. mentions, until the full comment index). */
function StillUnknown({ subjectRef, email }: { subjectRef: string; email: string }): React.JSX.Element {
  const dossier = useOperation('subjects.show', { ref: subjectRef });
  const unknown = dossier.data?.completeness?.unknown ?? [];
  return (
    <>
      {unknown.length > 0 ? (
        <>
          <h3>Still unknown</h3>
          <ul className="subject-first-unknown">
            {unknown.map((u) => (
              <li key={u.part}>{u.why}</li>
            ))}
          </ul>
        </>
      ) : null}
      <a className="button" href={dossierHref(subjectRef, email)}>
        Open the dossier
      </a>
    </>
  );
}
