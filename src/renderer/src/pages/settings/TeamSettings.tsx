import { useId, useState, type FormEvent } from 'react';
import { useMutation, useOperation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';

/**
 * Settings, "Team": where the active workspace's register, audit chain and journal live, and the
 * same init / join / leave as `lethe team …`. The password goes to the core, which keeps it in the
 * OS keychain; it is never shown again and never written to lethe.json.
 */
export function TeamSettings({ workspaceId }: { workspaceId: string }): React.JSX.Element {
  const id = useId();
  const status = useOperation('team.status', { workspaceId });
  const join = useMutation('team.join');
  const init = useMutation('team.init');
  const leave = useMutation('team.leave');
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [moved, setMoved] = useState<string | null>(null);
  const busy = join.pending || init.pending || leave.pending;
  const s = status.data;

  const connect = async (event: FormEvent, how: 'join' | 'init') => {
    event.preventDefault();
    setMoved(null);
    const input = { workspaceId, databaseUrl: url, ...(password ? { password } : {}) };
    if (how === 'join') {
      if (await join.run(input)) setPassword('');
      return;
    }
    const result = await init.run(input);
    if (result) {
      setPassword('');
      setMoved(
        result.moved.imported
          ? `Moved ${result.moved.requests} requests, ${result.moved.entries} audit entries and ${result.moved.runs} journal runs; the chain verifies.`
          : 'This workspace was already in that database; nothing was copied again.',
      );
    }
  };

  return (
    <section className="card form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Team database</h3>
      {status.error ? <ErrorBanner error={status.error} onRetry={status.reload} title="Team status could not be read" /> : null}
      {s ? (
        <>
          <p role="status" aria-label="Team status">
            {s.message}
          </p>
          {s.mode === 'team' ? (
            <dl className="facts">
              <dt>Database</dt>
              <dd>{s.where}</dd>
              <dt>Acting as</dt>
              <dd>{s.role}</dd>
              <dt>Reachable</dt>
              <dd>{s.reachable ? 'yes' : 'no: showing the last copy read, read-only'}</dd>
              <dt>Schema</dt>
              <dd>{s.schemaVersion ?? 'unknown'}</dd>
            </dl>
          ) : null}
        </>
      ) : null}
      {moved ? (
        <p className="text-ok" role="status">
          {moved}
        </p>
      ) : null}
      <form className="form" onSubmit={(e) => void connect(e, 'join')}>
        <label htmlFor={`${id}-url`}>Database URL (your own PostgreSQL role, no password in it)</label>
        <input
          id={`${id}-url`}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="postgres://dana@db.example.org/lethe"
          maxLength={2000}
          required
          autoComplete="off"
        />
        <label htmlFor={`${id}-password`}>Password (kept in the OS keychain)</label>
        <input
          id={`${id}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          maxLength={1000}
          autoComplete="off"
        />
        {join.error ? <ErrorBanner error={join.error} title="Could not join the team database" /> : null}
        {init.error ? <ErrorBanner error={init.error} title="The team database was not set up" /> : null}
        {leave.error ? <ErrorBanner error={leave.error} title="Could not leave the team database" /> : null}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            Join team database
          </button>
          <button type="button" className="button" disabled={busy || url === ''} onClick={(e) => void connect(e, 'init')}>
            Set up and move this register into it
          </button>
          {s?.mode === 'team' ? (
            <button type="button" className="button" disabled={busy} onClick={() => void leave.run({ workspaceId })}>
              Leave (use this machine's files)
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
