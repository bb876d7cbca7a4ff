import {
  createColumnHelper,
  createSortedRowModel,
  rowSelectionFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
  type RowSelectionState,
  type SortingState,
} from '@tanstack/react-table';
import { useState } from 'react';
import type { Request } from '../../../../shared/contract/groups/requests';
import { hrefFor } from '../../app/router';
import { SortableHead, SpacerRow, useVirtualRows } from '../../components/SortableTable';
import { DueCell } from './DueCell';
import { formatDate, REGULATION_LABELS, STATUS_LABELS, TYPE_LABELS } from './labels';

const features = tableFeatures({
  rowSortingFeature,
  rowSelectionFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});
const helper = createColumnHelper<typeof features, Request>();

/** Sort key for the countdown: overdue first, closed (no countdown) last. */
const dueKey = (r: Request): number => r.dueIn?.daysRemaining ?? Number.MAX_SAFE_INTEGER;

const columns = helper.columns([
  helper.display({
    id: 'select',
    header: ({ table }) => (
      <input
        type="checkbox"
        aria-label="Select all requests shown"
        checked={table.getIsAllRowsSelected()}
        ref={(el) => {
          if (el) el.indeterminate = table.getIsSomeRowsSelected();
        }}
        onChange={table.getToggleAllRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => (
      <input
        type="checkbox"
        aria-label={`Select ${row.original.reference}`}
        checked={row.getIsSelected()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
    enableSorting: false,
  }),
  helper.accessor('reference', {
    header: 'Reference',
    cell: ({ row }) => <a href={hrefFor('requests', [row.original.id])}>{row.original.reference}</a>,
  }),
  helper.accessor((r) => TYPE_LABELS[r.type], { id: 'type', header: 'Type' }),
  helper.accessor((r) => REGULATION_LABELS[r.regulation], { id: 'regulation', header: 'Regulation' }),
  helper.accessor((r) => STATUS_LABELS[r.status], {
    id: 'status',
    header: 'Status',
    cell: ({ row }) => (
      <span className={`status status-${row.original.status}`}>
        {STATUS_LABELS[row.original.status]}
        {row.original.verification === null && row.original.closedAt === null ? <span className="pill pill-muted">unverified</span> : null}
      </span>
    ),
  }),
  helper.accessor((r) => dueKey(r), {
    id: 'due',
    header: 'Due',
    cell: ({ row }) => <DueCell request={row.original} />,
  }),
  helper.accessor((r) => r.owner ?? '', {
    id: 'owner',
    header: 'Owner',
    cell: ({ getValue }) => getValue() || <span className="muted">Unassigned</span>,
  }),
  helper.accessor('receivedAt', {
    header: 'Received',
    cell: ({ row }) => formatDate(row.original.deadlines?.receivedOn ?? row.original.receivedAt.slice(0, 10)),
  }),
  helper.accessor((r) => r.requester.name ?? r.requester.email ?? '', {
    id: 'requester',
    header: 'Requester',
    cell: ({ row }) =>
      row.original.requester.purgedAt ? (
        <span className="muted">purged</span>
      ) : (
        (row.original.requester.name ?? row.original.requester.email ?? <span className="muted">—</span>)
      ),
  }),
]);

const ROW_HEIGHT = 44;

export function RequestTable({
  requests,
  onSelectionChange,
}: {
  requests: Request[];
  onSelectionChange: (ids: string[]) => void;
}): React.JSX.Element {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'due', desc: false }]);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const table = useTable({
    features,
    columns,
    data: requests,
    getRowId: (r) => r.id,
    state: { sorting, rowSelection },
    onSortingChange: setSorting,
    onRowSelectionChange: (updater) => {
      setRowSelection((prev) => {
        const next = typeof updater === 'function' ? updater(prev) : updater;
        onSelectionChange(Object.keys(next).filter((k) => next[k]));
        return next;
      });
    },
  });
  const rows = table.getRowModel().rows;
  const { scrollRef, items, paddingTop, paddingBottom } = useVirtualRows(rows.length, ROW_HEIGHT);
  const headerGroups = table.getHeaderGroups();

  return (
    <div className="request-table-scroll" ref={scrollRef} tabIndex={0} role="region" aria-label={`Requests, ${rows.length} shown`}>
      <table className="table request-table" aria-rowcount={rows.length + 1}>
        <SortableHead groups={headerGroups} render={(header) => <table.FlexRender header={header} />} columnClass />
        <tbody>
          <SpacerRow height={paddingTop} colSpan={columns.length} />
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const urgency = row.original.dueIn?.urgency;
            return (
              <tr
                key={row.id}
                aria-rowindex={item.index + 2}
                className={`${row.getIsSelected() ? 'row-selected' : ''} ${urgency === 'overdue' ? 'row-overdue' : ''}`}
                style={{ height: ROW_HEIGHT }}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={`col-${cell.column.id}`}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
          <SpacerRow height={paddingBottom} colSpan={columns.length} />
        </tbody>
      </table>
    </div>
  );
}
