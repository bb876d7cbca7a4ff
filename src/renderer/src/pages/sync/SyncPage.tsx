import { useState } from 'react';
import type { SyncStatus } from '../../../../shared/contract/groups/sync';
import { useMutation, useOperation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { CACHE_UNUSABLE, formatDuration, formatWhen, projectFullSync, STREAM_LABELS } from './format';
import './sync.css';

type Resource = SyncStatus['resources'][number];

function StreamProgress({ stream }: { stream: Resource }): React.JSX.Element {
  const label = STREAM_LABELS[stream.resource] ?? stream.resource;
  const p = stream.progress;
  const active = stream.state === 'running';
  const total = p?.total ?? null;
  const done = p?.done ?? 0;
  const percent = total && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : stream.state === 'done' ? 100 : null;
  return (
    <li className={`sync-stream sync-stream-${stream.state}`}>
      <div className="sync-stream-head">
        <strong>{label}</strong>
        <span className={`pill ${stream.state === 'failed' ? 'pill-danger' : stream.state === 'done' ? '' : 'pill-muted'}`}>
          {stream.state}
        </span>
      </div>
      <div
        className="sync-bar"
        role="progressbar"
        aria-label={`${label} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent !== null ? { 'aria-valuenow': percent } : {})}
        aria-valuetext={percent !== null ? `${percent}%` : active ? 'working, total unknown' : 'not running'}
      >
        <div
          className={`sync-bar-fill${percent === null && active ? ' sync-bar-indeterminate' : ''}`}
          style={{ width: `${percent ?? (active ? 30 : 0)}%` }}
        />
      </div>
      <p className="muted sync-stream-figures">
        {p ? `${done.toLocaleString()}${total !== null ? ` of about ${total.toLocaleString()}` : ''} items` : 'No run yet in this session'}
        {p && active ? ` · ${Math.round(p.ratePerSecond).toLocaleString()}/s · ETA ${formatDuration(p.etaSeconds)}` : ''}
        {' · complete as of '}
        {formatWhen(stream.lastSuccessAt)}
      </p>
      {stream.lastError ? (
        <p className="text-danger sync-stream-error">
          <code className="error-code">{stream.lastError.code}</code> {stream.lastError.message}
        </p>
      ) : null}
    </li>
  );
}

function ResetCache({ workspaceId, code }: { workspaceId: string; code: string }): React.JSX.Element {
  const [confirming, setConfirming] = useState(false);
  const reset = useMutation('cache.reset');
  const start = useMutation('sync.start');
  const onReset = async () => {
    const done = await reset.run({ workspaceId, confirm: true });
    if (done) {
      setConfirming(false);
      await start.run({ workspaceId });
    }
  };
  return (
    <div className="card sync-reset">
      <h2>The local cache cannot be used</h2>
      <p>
        {code === 'db_key_invalid'
          ? 'The key in the keychain does not open this cache (a lost or replaced key).'
          : 'The cache file is damaged.'}{' '}
        The cache only mirrors the helpdesk: resetting it deletes the local copy, nothing in Zendesk, and a full sync rebuilds it.
      </p>
      {reset.error ? <ErrorBanner error={reset.error} title="The cache was not reset" /> : null}
      {confirming ? (
        <div className="button-row" role="group" aria-label="Confirm the reset">
          <button type="button" className="button button-danger" onClick={() => void onReset()} disabled={reset.pending}>
            Delete the local cache and resync
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
          Reset the local cache and resync…
        </button>
      )}
    </div>
  );
}

export function SyncPage({ workspaceId }: { workspaceId: string | null }): React.JSX.Element {
  if (!workspaceId) {
    return (
      <section className="page" aria-labelledby="page-title">
        <header className="page-header">
          <h1 id="page-title">Sync</h1>
        </header>
        <p className="muted">Connect a helpdesk in Settings (or start the demo) to sync its data.</p>
      </section>
    );
  }
  return <SyncDashboard workspaceId={workspaceId} />;
}

function SyncDashboard({ workspaceId }: { workspaceId: string }): React.JSX.Element {
  const status = useOperation('sync.status', { workspaceId });
  const start = useMutation('sync.start');
  const cancel = useMutation('sync.cancel');
  const data = status.data;
  // Only a cache.db problem is fixed by a reset; the register's and journal's say resetFixes: false.
  const unusable =
    status.error && CACHE_UNUSABLE.has(status.error.code) && status.error.info.details?.resetFixes !== false ? status.error.code : null;

  return (
    <section className="page sync-page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Sync</h1>
        <p className="muted">
          Lethe keeps an encrypted copy of the helpdesk&apos;s people, tickets and comments so requests can be reviewed offline. Each sync
          continues where the last one stopped.
        </p>
      </header>

      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          onClick={() => void start.run({ workspaceId })}
          disabled={Boolean(data?.running) || start.pending || Boolean(unusable)}
        >
          {data?.running ? 'Syncing…' : 'Sync now'}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void cancel.run({ workspaceId })}
          disabled={!data?.running || cancel.pending}
        >
          Cancel
        </button>
      </div>

      {start.error ? (
        <ErrorBanner error={start.error} onRetry={() => void start.run({ workspaceId })} title="The sync did not start" />
      ) : null}
      {cancel.error ? <ErrorBanner error={cancel.error} title="The sync was not cancelled" /> : null}
      {unusable ? <ResetCache workspaceId={workspaceId} code={unusable} /> : null}
      {status.error && !unusable ? (
        <ErrorBanner error={status.error} onRetry={status.reload} title="The sync status could not be read" />
      ) : null}

      {data ? (
        <>
          {data.error && !data.running ? (
            <div className="banner banner-error" role="alert">
              <div>
                <strong>The last sync stopped</strong>
                <p>
                  {data.error.message} <code className="error-code">{data.error.code}</code>
                </p>
              </div>
              <button type="button" className="button" onClick={() => void start.run({ workspaceId })}>
                Retry
              </button>
            </div>
          ) : null}

          <dl className="sync-summary">
            <div>
              <dt>Data as of</dt>
              <dd>{data.dataAsOf ? formatWhen(data.dataAsOf) : 'not complete yet'}</dd>
            </div>
            {data.running ? (
              <div>
                <dt>Full sync projected in</dt>
                <dd data-testid="sync-projection">
                  {(() => {
                    const p = projectFullSync(data.resources);
                    if (!p) return 'measuring the rate…';
                    return `${p.atLeast ? 'at least ' : 'about '}${formatDuration(p.seconds)}, at the measured rate`;
                  })()}
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Last sync</dt>
              <dd>
                {data.running
                  ? `running since ${formatWhen(data.startedAt)}`
                  : data.finishedAt
                    ? `${data.outcome ?? ''} ${formatWhen(data.finishedAt)}`
                    : 'none in this session'}
              </dd>
            </div>
          </dl>

          <h2>Streams</h2>
          <ul className="sync-streams">
            {data.resources.map((r) => (
              <StreamProgress key={r.resource} stream={r} />
            ))}
          </ul>

          <h2>In the cache</h2>
          <table className="table sync-counts">
            <tbody>
              {Object.entries(data.counts).map(([name, n]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{n.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>Error history</h2>
          {data.errors.length === 0 ? (
            <p className="muted">No sync errors recorded.</p>
          ) : (
            <table className="table">
              <ColumnHeads columns={['When', 'Stream', 'Code', 'What happened']} />
              <tbody>
                {data.errors.map((e, i) => (
                  <tr key={`${e.at}-${i}`}>
                    <td>{formatWhen(e.at)}</td>
                    <td>{STREAM_LABELS[e.resource] ?? e.resource}</td>
                    <td>
                      <code className="error-code">{e.code}</code>
                    </td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : status.loading ? (
        <p className="muted">Reading the cache…</p>
      ) : null}
    </section>
  );
}
