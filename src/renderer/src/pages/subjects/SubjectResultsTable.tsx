import { createColumnHelper, useTable, type SortingState } from '@tanstack/react-table';
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { MatchReason, SubjectSearchResult } from '../../../../shared/contract/groups/subjects';
import { SortableHead, sortingFeatures, SpacerRow, useVirtualRows } from '../../components/SortableTable';
import { dossierHref } from './search-state';

const features = sortingFeatures;
const helper = createColumnHelper<typeof features, SubjectSearchResult>();

const FIELD_LABELS: Record<MatchReason['field'], string> = {
  email: 'email',
  secondary_email: 'other email',
  phone: 'phone',
  name: 'name',
  external_id: 'external id',
  comment: 'comment text',
  former: 'former address or number',
};

export function describeReason(r: MatchReason): string {
  const where = r.field === 'comment' && r.ticketId !== null ? ` on ticket ${r.ticketId}` : '';
  return `${FIELD_LABELS[r.field]} (${r.match})${where}: ${r.value}`;
}

const columnsFor = (query: string) =>
  helper.columns([
    helper.accessor('name', {
      header: 'Name',
      cell: ({ row }) => (
        <a href={dossierHref(row.original.ref, query)} tabIndex={-1}>
          {row.original.name || <span className="muted">(no name)</span>}
        </a>
      ),
    }),
    helper.accessor((r) => r.email ?? '', { id: 'email', header: 'Email' }),
    helper.accessor((r) => r.phone ?? '', { id: 'phone', header: 'Phone' }),
    helper.accessor((r) => r.role ?? '', { id: 'role', header: 'Role' }),
    helper.accessor('tickets', { header: 'Tickets' }),
    helper.accessor((r) => describeReason(r.reasons[0]!), {
      id: 'reason',
      header: 'Matched on',
      cell: ({ row }) => (
        <span title={row.original.reasons.map(describeReason).join('\n')}>
          {describeReason(row.original.reasons[0]!)}
          {row.original.linkedAccounts > 0 ? <span className="pill">+{row.original.linkedAccounts} linked</span> : null}
          {row.original.suggestedAccounts > 0 ? (
            <span className="pill pill-muted" title="Accounts sharing an e-mail or phone, not confirmed as this person">
              {row.original.suggestedAccounts} suggested
            </span>
          ) : null}
          {!row.original.active ? <span className="pill pill-muted">inactive</span> : null}
        </span>
      ),
    }),
  ]);

const ROW_HEIGHT = 40;

const open = (ref: string, query: string) => {
  window.location.hash = dossierHref(ref, query);
};

/**
 * Search results: sortable, virtualized, arrow keys move between rows and Enter opens the dossier.
 * Keys pressed on a header's sort button are the button's (Enter sorts), not the grid's.
 */
export function SubjectResultsTable({ results, query }: { results: SubjectSearchResult[]; query: string }): React.JSX.Element {
  const [sorting, setSorting] = useState<SortingState>([]);
  const columns = useMemo(() => columnsFor(query), [query]);
  const [active, setActive] = useState(0);
  const table = useTable({ features, columns, data: results, getRowId: (r) => r.ref, state: { sorting }, onSortingChange: setSorting });
  const rows = table.getRowModel().rows;
  const { scrollRef, virtualizer, items, paddingTop, paddingBottom } = useVirtualRows(rows.length, ROW_HEIGHT);
  const current = Math.min(active, Math.max(rows.length - 1, 0));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    const move = (to: number) => {
      event.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, to));
      setActive(next);
      virtualizer.scrollToIndex(next);
    };
    if (event.key === 'ArrowDown') move(current + 1);
    else if (event.key === 'ArrowUp') move(current - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(rows.length - 1);
    else if (event.key === 'Enter') {
      const row = rows[current];
      if (row) open(row.original.ref, query);
    }
  };

  return (
    <div
      className="subject-results-scroll"
      ref={scrollRef}
      tabIndex={0}
      role="grid"
      aria-label={`People found, ${rows.length}; arrow keys choose, Enter opens`}
      aria-activedescendant={rows[current] ? `subject-row-${rows[current].original.ref}` : undefined}
      onKeyDown={onKeyDown}
    >
      <table className="table subject-results" aria-rowcount={rows.length + 1}>
        <SortableHead groups={table.getHeaderGroups()} render={(header) => <table.FlexRender header={header} />} />
        <tbody>
          <SpacerRow height={paddingTop} colSpan={columns.length} />
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <tr
                key={row.id}
                id={`subject-row-${row.original.ref}`}
                aria-rowindex={item.index + 2}
                aria-selected={item.index === current}
                className={item.index === current ? 'row-active' : undefined}
                style={{ height: ROW_HEIGHT }}
                onClick={() => setActive(item.index)}
                onDoubleClick={() => open(row.original.ref, query)}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>
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
