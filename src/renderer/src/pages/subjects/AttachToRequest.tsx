import { useId, useState } from 'react';
import { useMutation, useOperation } from '../../api/hooks';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';

/** Links this subject to an open request of the register (requests.update with its user id). */
export function AttachToRequest({ userId }: { userId: number }): React.JSX.Element {
  const id = useId();
  const list = useOperation('requests.list', { includeUnverified: true });
  const update = useMutation('requests.update');
  const [chosen, setChosen] = useState('');
  const [done, setDone] = useState<string | null>(null);
  if (list.error) return <ErrorBanner error={list.error} onRetry={list.reload} title="The requests could not be listed" />;
  if (list.loading || !list.data) return <p className="muted">Loading open requests…</p>;
  const open = list.data.requests;
  if (open.length === 0) {
    return (
      <p className="muted">
        No open request to attach to. <a href={hrefFor('requests')}>Register one</a> first.
      </p>
    );
  }
  return (
    <div className="attach-request">
      <div className="field">
        <label htmlFor={`${id}-request`}>Attach to request</label>
        <select id={`${id}-request`} value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">Choose a request…</option>
          {open.map((r) => (
            <option key={r.id} value={r.id}>
              {r.reference} · {r.type} · {r.regulation}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="button"
        disabled={chosen === '' || update.pending}
        onClick={() => void update.run({ id: chosen, subjectId: userId }).then((r) => setDone(r ? r.reference : null))}
      >
        Attach
      </button>
      {done ? (
        <p role="status">
          Attached to <a href={hrefFor('requests', [chosen])}>{done}</a>.
        </p>
      ) : null}
      {update.error ? <ErrorBanner error={update.error} title="Not attached" /> : null}
    </div>
  );
}
