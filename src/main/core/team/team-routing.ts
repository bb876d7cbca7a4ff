import type { requestOperations } from '../../../shared/contract/groups/requests';
import { computeDashboard } from '../requests/dashboard';
import type { CoreServices, DomainHandlers } from '../services';
import { teamRequests } from './team-requests';

type RequestHandlers = DomainHandlers<typeof requestOperations>;

/**
 * The request handlers, routed: a workspace kept locally runs `local` unchanged; one in team mode
 * runs the register operations against the team database, and refuses (clearly, changing nothing)
 * the ones not carried over yet rather than let them write to a local register nobody else sees.
 */
export function withTeamRouting(s: CoreServices, local: RequestHandlers): RequestHandlers {
  const routed = { ...local };
  const refuseInTeam = <K extends keyof RequestHandlers>(name: K): void => {
    const fallback = local[name];
    routed[name] = (async (input: { workspaceId?: string | undefined }) => {
      const team = await teamRequests(s, input.workspaceId);
      if (team) team.refuse(name);
      return (fallback as (i: unknown) => unknown)(input);
    }) as unknown as RequestHandlers[K];
  };
  routed['requests.list'] = async (input) => (await teamRequests(s, input.workspaceId))?.list(input) ?? local['requests.list'](input);
  routed['requests.get'] = async (input) => (await teamRequests(s, input.workspaceId))?.get(input) ?? local['requests.get'](input);
  routed['requests.create'] = async (input) => (await teamRequests(s, input.workspaceId))?.create(input) ?? local['requests.create'](input);
  routed['requests.update'] = async (input) => (await teamRequests(s, input.workspaceId))?.update(input) ?? local['requests.update'](input);
  routed['requests.setStatus'] = async (input) =>
    (await teamRequests(s, input.workspaceId))?.setStatus(input) ?? local['requests.setStatus'](input);
  routed['requests.link'] = async (input) => (await teamRequests(s, input.workspaceId))?.link(input) ?? local['requests.link'](input);
  routed['requests.dashboard'] = async (input) => {
    const team = await teamRequests(s, input.workspaceId);
    if (!team) return local['requests.dashboard'](input);
    const asOf = input.asOf ?? new Date().toISOString();
    const { timeZone } = (await s.config.read()).settings;
    return computeDashboard(await team.all(asOf), asOf, timeZone, input.weeks ?? 12);
  };
  routed['requests.getSettings'] = async (input) =>
    (await teamRequests(s, input.workspaceId))?.settings() ?? local['requests.getSettings'](input);
  for (const name of [
    'requests.verify',
    'requests.extend',
    'requests.bulkUpdate',
    'requests.importCsv',
    'requests.export',
    'requests.letter',
    'requests.setSettings',
    'requests.applyRetention',
  ] as const) {
    refuseInTeam(name);
  }
  return routed;
}
