import type { AuditEntryView } from '../../../../shared/contract/groups/requests';
import { auditActionWords, auditFactsInWords } from '../../../../shared/audit-words';
import { formatInstant } from './labels';

/** Every audit action in words (one table for the Audit page and the timeline). */
export const actionWords = auditActionWords;

/** Facts as "Label: value" phrases, kept short; the full entry is in the audit export. */
export function dataSummary(data: Record<string, unknown>): string {
  return auditFactsInWords(data)
    .map((f) => `${f.label}: ${f.value}`)
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
