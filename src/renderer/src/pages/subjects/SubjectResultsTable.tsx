import {
  createColumnHelper,
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { MatchReason, SubjectSearchResult } from '../../../../shared/contract/groups/subjects';
import { dossierHref } from './search-state';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});
const helper = createColumnHelper<typeof features, SubjectSearchResult>();

const FIELD_LABELS: Record<MatchReason['field'], string> = {
  email: 'email',
  secondary_email: 'other email',
  phone: 'phone',
  name: 'name',
  external_id: 'external id',
  comment: 'comment text',
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
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render only; nothing memoizes its functions
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
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
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th key={header.id} scope="col" aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}>
                    <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                      <table.FlexRender header={header} />
                      <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
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
          {paddingBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
