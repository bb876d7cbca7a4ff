import {
  createColumnHelper,
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
  type SortingState,
} from '@tanstack/react-table';
import { Fragment, useState } from 'react';
import type { PlanTicket, TicketDecision } from '../../../../shared/contract/groups/erasure';
import { byRole, DECISION_HELP, DECISION_LABELS, DECISION_ORDER, formatBytes } from './labels';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});
const helper = createColumnHelper<typeof features, PlanTicket>();

export interface OverrideRequest {
  target: 'ticket' | 'account';
  id: number;
  decision: 'delete' | 'redact' | 'keep';
  reason: string;
}

function Reason({ t }: { t: PlanTicket }): React.JSX.Element {
  return (
    <div className="erasure-reason">
      <span>{t.reason}</span>
      {t.exemption ? (
        <span className="pill">
          {t.exemption.citation} · {t.exemption.rule}
        </span>
      ) : null}
      {t.fix ? <span className="erasure-fix">Fix: {t.fix.description}</span> : null}
      {t.override ? (
        <span className="erasure-override">
          Overridden from {DECISION_LABELS[t.proposed]}: {t.override.reason}
        </span>
      ) : null}
    </div>
  );
}

const columns = helper.columns([
  helper.accessor('ticketId', { header: 'Ticket', cell: ({ getValue }) => <code>#{getValue()}</code> }),
  helper.accessor('status', {
    header: 'Status',
    cell: ({ row }) => (
      <span>
        {row.original.status}
        {row.original.archived ? <span className="pill pill-muted">archived</span> : null}
      </span>
    ),
  }),
  helper.accessor((t) => t.subjectRoles.join(', '), {
    id: 'roles',
    header: "Subject's role",
    cell: ({ getValue }) => getValue() || <span className="muted">mentioned</span>,
  }),
  helper.accessor((t) => t.others.endUsers + t.others.agents, {
    id: 'others',
    header: 'Other people',
    cell: ({ row }) => byRole(row.original.others.byRole),
  }),
  helper.accessor((t) => t.subjectComments + t.mentionComments, {
    id: 'content',
    header: 'To redact',
    cell: ({ row }) => {
      const t = row.original;
      const parts = [`${t.subjectComments} comment(s)`, `${t.mentionComments} mention(s)`];
      if (t.attachments) parts.push(`${t.attachments} attachment(s), ${formatBytes(t.attachmentBytes)}`);
      return parts.join(' · ');
    },
  }),
  helper.display({ id: 'reason', header: 'Reason', cell: ({ row }) => <Reason t={row.original} /> }),
]);

function OverrideForm({
  ticket,
  onSubmit,
  onCancel,
  pending,
}: {
  ticket: PlanTicket;
  onSubmit: (o: OverrideRequest) => void;
  onCancel: () => void;
  pending: boolean;
}): React.JSX.Element {
  const [decision, setDecision] = useState<'delete' | 'redact' | 'keep'>(ticket.decision === 'keep' ? 'redact' : 'keep');
  const [reason, setReason] = useState('');
  return (
    <form
      className="erasure-override-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ target: 'ticket', id: ticket.ticketId, decision, reason: reason.trim() });
      }}
    >
      <label>
        Decision
        <select value={decision} onChange={(e) => setDecision(e.target.value as typeof decision)} autoFocus>
          <option value="delete">Delete ticket</option>
          <option value="redact">Redact</option>
          <option value="keep">Keep</option>
        </select>
      </label>
      <label className="grow">
        Reason (kept in the receipt; no names or e-mails)
        <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} maxLength={1000} required />
      </label>
      <button type="submit" className="button button-primary button-small" disabled={pending || reason.trim().length < 3}>
        Save override
      </button>
      <button type="button" className="button button-small" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

export function PlanTable({
  tickets,
  editable,
  onOverride,
  overridePending,
}: {
  tickets: PlanTicket[];
  editable: boolean;
  onOverride: (o: OverrideRequest) => Promise<boolean>;
  overridePending: boolean;
}): React.JSX.Element {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [editing, setEditing] = useState<number | null>(null);
  const table = useTable({
    features,
    columns,
    data: tickets,
    state: { sorting },
    onSortingChange: setSorting,
    getRowId: (t) => String(t.ticketId),
  });
  const rows = table.getRowModel().rows;
  const groups = DECISION_ORDER.map((d) => ({ decision: d, rows: rows.filter((r) => r.original.decision === d) })).filter(
    (g) => g.rows.length > 0,
  );
  const width = columns.length + (editable ? 1 : 0);
  return (
    <table className="table erasure-table">
      <thead>
        {table.getHeaderGroups().map((hg) => (
          <tr key={hg.id}>
            {hg.headers.map((h) => (
              <th
                key={h.id}
                aria-sort={h.column.getIsSorted() === 'asc' ? 'ascending' : h.column.getIsSorted() === 'desc' ? 'descending' : undefined}
              >
                {h.column.getCanSort() ? (
                  <button type="button" className="sort-button" onClick={h.column.getToggleSortingHandler()}>
                    <table.FlexRender header={h} />
                    {h.column.getIsSorted() === 'asc' ? ' ▲' : h.column.getIsSorted() === 'desc' ? ' ▼' : ''}
                  </button>
                ) : (
                  <table.FlexRender header={h} />
                )}
              </th>
            ))}
            {editable ? <th>Override</th> : null}
          </tr>
        ))}
      </thead>
      <tbody>
        {groups.map((g) => (
          <Fragment key={g.decision}>
            <tr className={`erasure-group erasure-group-${g.decision}`}>
              <th colSpan={width} scope="rowgroup">
                {DECISION_LABELS[g.decision as TicketDecision]} · {g.rows.length}{' '}
                <span className="muted">{DECISION_HELP[g.decision as TicketDecision]}</span>
              </th>
            </tr>
            {g.rows.map((row) => (
              <Fragment key={row.id}>
                <tr>
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id}>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                  {editable ? (
                    <td>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setEditing(editing === row.original.ticketId ? null : row.original.ticketId)}
                      >
                        {editing === row.original.ticketId ? 'Close' : 'Override'}
                      </button>
                    </td>
                  ) : null}
                </tr>
                {editable && editing === row.original.ticketId ? (
                  <tr className="erasure-edit-row">
                    <td colSpan={width}>
                      <OverrideForm
                        ticket={row.original}
                        pending={overridePending}
                        onCancel={() => setEditing(null)}
                        onSubmit={(o) => void onOverride(o).then((ok) => ok && setEditing(null))}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
