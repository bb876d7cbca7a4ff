type OptionValue = string | number;

/**
 * The `<option>`s of a select, keyed and valued alike: `values` with an optional `label` for each
 * (the value itself where there is none), or `pairs` of value and label as the labels tables hold them.
 */
export function Options<V extends OptionValue>(
  props: { values: readonly V[]; label?: (value: V) => React.ReactNode } | { pairs: ReadonlyArray<readonly [V, React.ReactNode]> },
): React.JSX.Element {
  const pairs = 'pairs' in props ? props.pairs : props.values.map((v) => [v, props.label ? props.label(v) : v] as const);
  return (
    <>
      {pairs.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
