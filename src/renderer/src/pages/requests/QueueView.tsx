import { useState } from 'react';
import type { Request, RequestStatus } from '../../../../shared/contract/groups/requests';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Options } from '../../components/Options';
import { TeamCopyBanner } from '../../components/TeamCopyBanner';
import { DashboardSection } from './Dashboard';
import { downloadText } from './download';
import { REGULATION_LABELS, STATUSES, STATUS_LABELS, TYPE_LABELS } from './labels';
import { useRegisterMutation, useRegisterQuery, type RegisterInput } from './register-api';
import { RequestTable } from './RequestTable';

type Filters = { regulation: string; type: string; status: string; owner: string; includeUnverified: boolean; includeClosed: boolean };
const NO_FILTERS: Filters = { regulation: '', type: '', status: '', owner: '*', includeUnverified: false, includeClosed: false };

function listInput(f: Filters): RegisterInput<'requests.list'> {
  return {
    ...(f.regulation ? { regulation: [f.regulation as Request['regulation']] } : {}),
    ...(f.type ? { type: [f.type as Request['type']] } : {}),
    ...(f.status ? { status: [f.status as RequestStatus] } : {}),
    ...(f.owner !== '*' ? { owner: f.owner } : {}),
    ...(f.includeUnverified ? { includeUnverified: true } : {}),
    ...(f.includeClosed ? { includeClosed: true } : {}),
  };
}

function Select({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: Array<[string, string]>;
}): React.JSX.Element {
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <Options pairs={options} />
      </select>
    </div>
  );
}

const BULK_STATUSES = ['verifying', 'in_progress', 'awaiting_approval', 'completed', 'withdrawn'] as const;

function BulkBar({
  ids,
  versions,
  onDone,
}: {
  ids: string[];
  /** Team mode: the versions the queue shows, so a request changed since is a conflict, not overwritten. */
  versions: Record<string, number>;
  onDone: () => void;
}): React.JSX.Element {
  const expected = Object.keys(versions).length > 0 ? { expectedVersions: versions } : {};
  const bulk = useRegisterMutation('requests.bulkUpdate');
  const exporter = useRegisterMutation('requests.export');
  const [owner, setOwner] = useState('');
  const [status, setStatus] = useState<(typeof BULK_STATUSES)[number]>('in_progress');
  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>{ids.length} selected</strong>
      <div className="bulk-group">
        <label htmlFor="bulk-owner">Owner</label>
        <input id="bulk-owner" value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="Staff name" maxLength={200} />
        <button
          type="button"
          className="button button-small"
          disabled={bulk.pending || owner.trim() === ''}
          onClick={async () => (await bulk.run({ ids, owner, ...expected })) && onDone()}
        >
          Assign
        </button>
      </div>
      <div className="bulk-group">
        <label htmlFor="bulk-status">Status</label>
        <select id="bulk-status" value={status} onChange={(e) => setStatus(e.target.value as (typeof BULK_STATUSES)[number])}>
          <Options values={BULK_STATUSES} label={(s) => STATUS_LABELS[s]} />
        </select>
        <button
          type="button"
          className="button button-small"
          disabled={bulk.pending}
          onClick={async () => (await bulk.run({ ids, status, ...expected })) && onDone()}
        >
          Set status
        </button>
      </div>
      <button
        type="button"
        className="button button-small"
        disabled={exporter.pending}
        onClick={async () => {
          const file = await exporter.run({ format: 'csv', ids });
          if (file) downloadText(file.fileName, file.mediaType, file.content);
        }}
      >
        Export selected (CSV)
      </button>
      {bulk.error ? <ErrorBanner error={bulk.error} title="The bulk change was not made" /> : null}
      {exporter.error ? <ErrorBanner error={exporter.error} title="The export failed" /> : null}
    </div>
  );
}

export function QueueView(): React.JSX.Element {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [selected, setSelected] = useState<string[]>([]);
  const [tableKey, setTableKey] = useState(0);
  const list = useRegisterQuery('requests.list', listInput(filters));
  const exporter = useRegisterMutation('requests.export');
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const owners = list.data?.owners ?? [];
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  const exportAll = async (format: 'csv' | 'json') => {
    const file = await exporter.run({ format });
    if (file) downloadText(file.fileName, file.mediaType, file.content);
  };

  const team = list.data?.team;
  return (
    <>
      <TeamCopyBanner team={team} />
      <DashboardSection part="summary" />
      {list.data && list.data.hiddenUnverified > 0 ? (
        <div className="banner banner-warn unverified-banner" role="status">
          <p>
            <strong>
              {list.data.hiddenUnverified === 1
                ? '1 new request awaits identity verification'
                : `${list.data.hiddenUnverified} new requests await identity verification`}
            </strong>{' '}
            and {list.data.hiddenUnverified === 1 ? 'is' : 'are'} not in the list below yet. Their clocks are already running.
          </p>
          <button type="button" className="button button-small" onClick={() => set({ includeUnverified: true })}>
            Show them
          </button>
        </div>
      ) : null}
      <h2 id="queue-title">Queue</h2>
      <div className="filters" role="group" aria-labelledby="queue-title">
        <Select
          id="f-regulation"
          label="Regulation"
          value={filters.regulation}
          onChange={(v) => set({ regulation: v })}
          options={[['', 'All'], ...Object.entries(REGULATION_LABELS)]}
        />
        <Select
          id="f-type"
          label="Type"
          value={filters.type}
          onChange={(v) => set({ type: v })}
          options={[['', 'All'], ...Object.entries(TYPE_LABELS)]}
        />
        <Select
          id="f-status"
          label="Status"
          value={filters.status}
          onChange={(v) => set({ status: v })}
          options={[['', 'All open'], ...STATUSES.map((s): [string, string] => [s, STATUS_LABELS[s]])]}
        />
        <Select
          id="f-owner"
          label="Owner"
          value={filters.owner}
          onChange={(v) => set({ owner: v })}
          options={[['*', 'Anyone'], ['', 'Unassigned'], ...owners.map((o): [string, string] => [o, o])]}
        />
        <label className="check">
          <input type="checkbox" checked={filters.includeUnverified} onChange={(e) => set({ includeUnverified: e.target.checked })} /> Show
          unverified
        </label>
        <label className="check">
          <input type="checkbox" checked={filters.includeClosed} onChange={(e) => set({ includeClosed: e.target.checked })} /> Show closed
        </label>
        <div className="filter-actions">
          <button type="button" className="button button-small" onClick={() => void exportAll('csv')} disabled={exporter.pending}>
            Export CSV
          </button>
          <button type="button" className="button button-small" onClick={() => void exportAll('json')} disabled={exporter.pending}>
            Export JSON
          </button>
        </div>
      </div>
      {exporter.error ? <ErrorBanner error={exporter.error} title="The export failed" /> : null}
      {selected.length > 0 ? (
        <BulkBar
          ids={selected}
          versions={Object.fromEntries(
            (list.data?.requests ?? []).flatMap((r) => (selected.includes(r.id) && r.version !== undefined ? [[r.id, r.version]] : [])),
          )}
          onDone={() => {
            setSelected([]);
            setTableKey((k) => k + 1);
          }}
        />
      ) : null}
      {list.loading ? (
        <p className="muted" role="status">
          Loading requests…
        </p>
      ) : list.error ? (
        <ErrorBanner error={list.error} onRetry={list.reload} title="The register could not be read" />
      ) : list.data && list.data.requests.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">
            {filtered
              ? 'No request matches these filters.'
              : list.data.hiddenUnverified > 0
                ? 'Every open request still awaits identity verification: “Show them” above lists them.'
                : 'No requests yet.'}
          </p>
          <p className="muted">Record one with “New request”, or bring your existing register in with “Import CSV”.</p>
        </div>
      ) : list.data ? (
        <RequestTable key={tableKey} requests={list.data.requests} onSelectionChange={setSelected} />
      ) : null}
      <DashboardSection part="charts" />
    </>
  );
}
