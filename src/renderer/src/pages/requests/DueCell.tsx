import type { Request } from '../../../../shared/contract/groups/requests';
import { dueInWords, formatDate } from './labels';

/** Due date with its countdown, coloured by urgency; the words carry the meaning, not the colour alone. */
export function DueCell({ request }: { request: Request }): React.JSX.Element {
  const d = request.deadlines;
  if (!d) return <span className="muted">no statutory rule</span>;
  if (!request.dueIn) return <span className="muted">{request.closedAt ? 'closed' : formatDate(d.due)}</span>;
  const { daysRemaining, urgency } = request.dueIn;
  return (
    <span className="due">
      <span className="due-date">{formatDate(d.due)}</span>
      <span className={`due-pill due-${urgency === 'due_soon' ? 'soon' : urgency}`}>{dueInWords(daysRemaining)}</span>
      {d.extended ? (
        <span className="pill pill-muted" title={`Extended from ${formatDate(d.initialDue)}`}>
          extended
        </span>
      ) : null}
    </span>
  );
}
