import type { SubjectActionState } from '../../../../shared/contract/groups/actions';
import { useActionsQuery } from './actions-api';

const RESTRICTION_WORDS: Record<SubjectActionState['restriction'], string | null> = {
  none: null,
  restricting: 'Restriction queued: it is sent when the helpdesk can be reached',
  restricted: 'Processing restricted (Art. 18)',
  lifting: 'Restricted; the lifting is queued until the helpdesk can be reached',
};

/** What is in effect for the person (from the journal's actions): a restriction, objections. */
export function ActionStateMarker({
  workspaceId,
  subjectRef,
}: {
  workspaceId?: string | undefined;
  subjectRef: string;
}): React.JSX.Element | null {
  const state = useActionsQuery('actions.state', { ...(workspaceId ? { workspaceId } : {}), subjectRef });
  const s = state.data;
  if (!s) return null;
  const restriction = RESTRICTION_WORDS[s.restriction];
  if (restriction === null && s.objections.length === 0) return null;
  return (
    <div className="actions-marker" role="status" aria-label="In effect for this person">
      {restriction ? (
        <span
          className={`actions-badge ${s.restriction === 'restricted' ? 'actions-badge-danger' : 'actions-badge-warn'}`}
          data-restriction={s.restriction}
        >
          {restriction}
          {s.since && s.restriction === 'restricted' ? ` since ${new Date(s.since).toLocaleDateString()}` : ''}
        </span>
      ) : null}
      {s.objections.map((kind) => (
        <span key={kind} className="actions-badge">
          {kind === 'marketing' ? 'Objected to marketing (Art. 21)' : 'Objected to processing (Art. 21)'}
        </span>
      ))}
    </div>
  );
}
