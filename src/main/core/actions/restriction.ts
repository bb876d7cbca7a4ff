import type { ActionSettings } from '../../../shared/contract/groups/actions';
import type { NewOperation } from '../journal';
import { ACTION_OP, type UpdateFieldsPayload } from './zendesk-ops';

/** The operations of restriction (Art. 18), of lifting it, and of an objection (Art. 21), per account. */

export function restrictionOps(userIds: number[], tag: string): NewOperation[] {
  return userIds.flatMap((id) => [
    { ref: `suspend-${id}`, stage: 1, kind: ACTION_OP.suspend, targets: [id] },
    { ref: `tag-${id}`, stage: 1, kind: ACTION_OP.addTags, targets: [id], payload: { tags: [tag] } },
    // After the suspension, so no new session can start between the two.
    { ref: `sessions-${id}`, stage: 2, kind: ACTION_OP.revokeSessions, targets: [id], dependsOn: [`suspend-${id}`] },
  ]);
}

export function liftRestrictionOps(userIds: number[], tag: string): NewOperation[] {
  return userIds.flatMap((id) => [
    { ref: `unsuspend-${id}`, stage: 1, kind: ACTION_OP.unsuspend, targets: [id] },
    { ref: `untag-${id}`, stage: 1, kind: ACTION_OP.removeTags, targets: [id], payload: { tags: [tag] } },
  ]);
}

export function objectionOps(userIds: number[], conf: ActionSettings['objection']['marketing']): NewOperation[] {
  const userFields = Object.fromEntries(conf.userFields.map((f) => [f.key, f.value]));
  return userIds.flatMap((id) => {
    const list: NewOperation[] = [];
    if (conf.tags.length > 0)
      list.push({ ref: `tag-${id}`, stage: 1, kind: ACTION_OP.addTags, targets: [id], payload: { tags: conf.tags } });
    if (conf.userFields.length > 0) {
      const payload: UpdateFieldsPayload = { set: {}, userFields, before: {}, beforeUserFields: {} };
      list.push({ ref: `fields-${id}`, stage: 2, kind: ACTION_OP.updateFields, targets: [id], payload: payload as never });
    }
    return list;
  });
}
