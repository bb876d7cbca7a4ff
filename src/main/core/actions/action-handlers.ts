import type { actionOperations } from '../../../shared/contract/groups/actions';
import type { CoreServices, DomainHandlers } from '../services';
import { subjectActionState } from './subject-state';
import { ActionService, type ActionServiceOptions } from './service';

/** The actions-on-the-subject domain's contract operations. */
export function createActionHandlers(
  s: CoreServices,
  options: ActionServiceOptions & { service?: ActionService } = {},
): DomainHandlers<typeof actionOperations> {
  const actions = options.service ?? new ActionService(s, options);
  const ws = (id: string | undefined) => actions.resolve(id);
  return {
    'actions.restrict': async ({ workspaceId, ...input }) => actions.restrict(await ws(workspaceId), input),
    'actions.liftRestriction': async ({ workspaceId, ...input }) => actions.liftRestriction(await ws(workspaceId), input),
    'actions.rectify': async ({ workspaceId, ...input }) => actions.rectify(await ws(workspaceId), input),
    'actions.object': async ({ workspaceId, ...input }) => actions.object(await ws(workspaceId), input),
    'actions.list': async ({ workspaceId, subjectRef, limit }) => ({
      actions: await actions.list(await ws(workspaceId), { subjectRef, limit }),
    }),
    'actions.state': async ({ workspaceId, subjectRef }) =>
      subjectActionState(await actions.list(await ws(workspaceId), { subjectRef, limit: 500 })),
    'actions.flush': async ({ workspaceId }) => actions.flush(await ws(workspaceId)),
    'actions.setNotified': async ({ workspaceId, ...input }) => actions.setNotified(await ws(workspaceId), input),
    'actions.getSettings': async ({ workspaceId }) => actions.getSettings(await ws(workspaceId)),
    'actions.setSettings': async ({ workspaceId, settings }) => actions.setSettings(await ws(workspaceId), settings),
  };
}
