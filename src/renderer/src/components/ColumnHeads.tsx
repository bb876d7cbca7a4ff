/**
 * A table's column headings, every one `scope="col"` so a screen reader announces each cell with its column.
 * A `null` column is left out: a column that only some modes show (an override column on an editable plan).
 */
export function ColumnHeads({ columns }: { columns: ReadonlyArray<React.ReactNode> }): React.JSX.Element {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          c === null ? null : (
            <th key={i} scope="col">
              {c}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
