import { createSortedRowModel, rowSortingFeature, sortFn_alphanumeric, tableFeatures } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';

/** The table features of a table the officer sorts by clicking a heading (and nothing else). */
export const sortingFeatures = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});

/** What the heading row needs of a TanStack header (kept structural so any table's features fit). */
interface SortableHeader {
  id: string;
  column: {
    id: string;
    getIsSorted: () => false | 'asc' | 'desc';
    getCanSort: () => boolean;
    getToggleSortingHandler: () => ((event: unknown) => void) | undefined;
  };
}

/**
 * The heading rows of a sortable table: each sortable heading a button that says its direction to
 * assistive technology through `aria-sort` (the arrow is for the eye only). `columnClass` gives
 * each heading a `col-<id>` class for column widths.
 */
export function SortableHead<H extends SortableHeader>({
  groups,
  render,
  columnClass = false,
}: {
  groups: ReadonlyArray<{ id: string; headers: readonly H[] }>;
  render: (header: H) => React.ReactNode;
  columnClass?: boolean;
}): React.JSX.Element {
  return (
    <thead>
      {groups.map((group) => (
        <tr key={group.id}>
          {group.headers.map((header) => {
            const sorted = header.column.getIsSorted();
            return (
              <th
                key={header.id}
                scope="col"
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                className={columnClass ? `col-${header.column.id}` : undefined}
              >
                {header.column.getCanSort() ? (
                  <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                    {render(header)}
                    <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                  </button>
                ) : (
                  render(header)
                )}
              </th>
            );
          })}
        </tr>
      ))}
    </thead>
  );
}

/** The empty row a virtualised table keeps above or below the rows it draws, so its scrollbar spans them all. */
export function SpacerRow({ height, colSpan }: { height: number; colSpan: number }): React.JSX.Element | null {
  return height > 0 ? (
    <tr aria-hidden="true">
      <td colSpan={colSpan} style={{ height, padding: 0, border: 0 }} />
    </tr>
  ) : null;
}

/**
 * The rows of a virtualised table in its scrolling container (`scrollRef`): which to draw (`items`) and
 * the heights of the SpacerRows above and below them.
 */
export function useVirtualRows(count: number, rowHeight: number) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- read during render only; nothing memoizes its functions
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  return { scrollRef, virtualizer, items, paddingTop, paddingBottom };
}
