import type { AuditEntryView } from '../../../../shared/contract/groups/requests';
import { formatInstant } from './labels';

const ACTION_WORDS: Record<string, string> = {
  'request.created': 'Request recorded',
  'request.updated': 'Request updated',
  'request.verified': 'Identity verified',
  'request.status_changed': 'Status changed',
  'request.completed': 'Completed',
  'request.denied': 'Denied',
  'request.withdrawn': 'Withdrawn',
  'request.reopened': 'Reopened',
  'request.extended': 'Deadline extended',
  'request.linked': 'Linked',
  'request.contact_purged': 'Contact details purged',
  'request.deleted_by_retention': 'Record deleted (retention)',
  'letter.generated': 'Letter produced',
};

export const actionWords = (action: string): string => ACTION_WORDS[action] ?? action;

/** Facts as "key: value", kept short; the full entry is in the audit export. */
export function dataSummary(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

export function Timeline({ entries }: { entries: AuditEntryView[] }): React.JSX.Element {
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {entries.length === 0 ? (
        <p className="muted">No audit entries for this request.</p>
      ) : (
        <ol className="timeline">
          {entries.map((e) => (
            <li key={e.seq}>
              <div className="timeline-head">
                <strong>{actionWords(e.action)}</strong>{' '}
                <span className="muted">
                  by {e.actor} · {formatInstant(e.at)}
                </span>
              </div>
              {Object.keys(e.data).length > 0 ? <div className="timeline-data">{dataSummary(e.data)}</div> : null}
              <code className="hash" title={`Entry ${e.seq}, hash ${e.hash}`}>
                #{e.seq} · {e.hash.slice(0, 16)}…
              </code>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
