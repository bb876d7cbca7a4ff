import type { ActionView, ObjectionKind, SubjectActionState } from '../../../shared/contract/groups/actions';

/**
 * What is in effect for a person, read from the journal's actions (newest first), so the dossier
 * shows the state the helpdesk was actually put in, not what a screen remembers. A failed or
 * stopped action changed nothing and is skipped; a queued one is on its way.
 */
export function subjectActionState(actions: ActionView[]): SubjectActionState {
  const effective = actions.filter((a) => a.state === 'done' || a.state === 'queued');
  const last = effective.find((a) => a.action === 'restrict' || a.action === 'lift_restriction');
  const restriction: SubjectActionState['restriction'] =
    last === undefined
      ? 'none'
      : last.action === 'restrict'
        ? last.state === 'done'
          ? 'restricted'
          : 'restricting'
        : last.state === 'done'
          ? 'none'
          : 'lifting';
  const objections = new Set<ObjectionKind>();
  for (const a of effective) if (a.action === 'object' && a.state === 'done' && a.objection) objections.add(a.objection);
  return {
    restriction,
    since: last?.finishedAt ?? last?.createdAt ?? null,
    actionId: last?.id ?? null,
    requestId: last?.requestId ?? null,
    objections: [...objections].sort(),
  };
}
