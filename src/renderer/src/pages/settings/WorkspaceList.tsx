import { useState } from 'react';
import type { ConnectionTestResult, Workspace } from '../../../../shared/schemas/workspace';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { ConnectionForm } from './ConnectionForm';

export function WorkspaceList({
  workspaces,
  activeId,
  onChanged,
}: {
  workspaces: Workspace[];
  activeId: string | null;
  onChanged: () => void;
}): React.JSX.Element {
  const remove = useMutation('workspaces.remove');
  const tester = useMutation('workspaces.testConnection');
  const [results, setResults] = useState<Record<string, ConnectionTestResult>>({});
  const [confirming, setConfirming] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const edited = workspaces.find((w) => w.id === editing && w.kind !== 'demo');

  if (workspaces.length === 0) {
    return <p className="muted">No helpdesk connections yet.</p>;
  }
  return (
    <div className="stack">
      {remove.error ? <ErrorBanner error={remove.error} title="The connection was not removed" /> : null}
      {tester.error ? <ErrorBanner error={tester.error} title="The connection could not be tested" /> : null}
      <table className="table">
        <ColumnHeads columns={['Name', 'Helpdesk', 'Agent', 'Token', <span className="visually-hidden">Actions</span>]} />
        <tbody>
          {workspaces.map((w) => {
            const result = results[w.id];
            return (
              <tr key={w.id}>
                <td>
                  {w.name} {w.id === activeId ? <span className="pill">active</span> : null}
                  {w.kind === 'demo' ? <span className="pill pill-muted">demo</span> : null}
                </td>
                <td>{w.baseUrl}</td>
                <td>{w.email}</td>
                <td>{w.hasToken ? w.kind === 'demo' ? 'in memory' : 'in keychain' : <span className="text-danger">missing</span>}</td>
                <td className="actions">
                  {result ? (
                    <span className={result.ok ? 'text-ok' : 'text-danger'} role="status">
                      {result.ok ? 'Connected' : result.message}
                    </span>
                  ) : null}
                  <button
                    type="button"
                    className="button button-small"
                    onClick={async () => {
                      const r = await tester.run({ id: w.id });
                      if (r) setResults((prev) => ({ ...prev, [w.id]: r }));
                    }}
                  >
                    Test
                  </button>
                  {w.kind === 'demo' ? null : (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Edit ${w.name}`}
                      aria-expanded={editing === w.id}
                      onClick={() => setEditing(editing === w.id ? null : w.id)}
                    >
                      Edit
                    </button>
                  )}
                  {confirming === w.id ? (
                    <>
                      <button
                        type="button"
                        className="button button-small button-danger"
                        onClick={async () => {
                          await remove.run({ id: w.id });
                          setConfirming(null);
                          onChanged();
                        }}
                      >
                        Remove {w.name} and its local cache
                      </button>
                      <button type="button" className="button button-small" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button type="button" className="button button-small" onClick={() => setConfirming(w.id)}>
                      Remove…
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {edited ? (
        <ConnectionForm
          key={edited.id}
          editing={edited}
          onDone={() => {
            setEditing(null);
            onChanged();
          }}
        />
      ) : null}
    </div>
  );
}
