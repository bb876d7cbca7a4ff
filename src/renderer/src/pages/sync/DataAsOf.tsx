import { useOperation } from '../../api/hooks';
import { formatWhen } from './format';

/** "data as of <time>" for the top bar: read from the cache, so it shows offline too. */
export function DataAsOf({ workspaceId, label }: { workspaceId: string; label?: string }): React.JSX.Element {
  const status = useOperation('sync.status', { workspaceId });
  const prefix = label ? `${label} · ` : '';
  let text = 'data as of: …';
  if (status.error) text = `data as of: unknown (${status.error.code})`;
  else if (status.data) {
    const asOf = status.data.dataAsOf ? formatWhen(status.data.dataAsOf) : 'not synced yet';
    text = `data as of: ${asOf}${status.data.running ? ' · syncing…' : ''}`;
  }
  return (
    <p className="data-as-of" aria-live="polite">
      {prefix}
      {text}
    </p>
  );
}
