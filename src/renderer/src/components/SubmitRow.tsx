/**
 * A form's submit row: the primary button, disabled while the call runs (with `pendingLabel` then, where
 * given), and "Saved" announced beside it once the last save went through.
 */
export function SubmitRow({
  label,
  pending,
  pendingLabel,
  saved = false,
}: {
  label: string;
  pending: boolean;
  pendingLabel?: string;
  saved?: boolean;
}): React.JSX.Element {
  return (
    <div className="button-row">
      {saved ? (
        <span className="text-ok" role="status">
          Saved
        </span>
      ) : null}
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending && pendingLabel ? pendingLabel : label}
      </button>
    </div>
  );
}
