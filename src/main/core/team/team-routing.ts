import type { requestOperations } from '../../../shared/contract/groups/requests';
import type { CoreServices, DomainHandlers } from '../services';
import { refusedOffline } from './team-offline';
import { teamRequests } from './team-requests';

type RequestHandlers = DomainHandlers<typeof requestOperations>;

/**
 * The request handlers, routed: a workspace kept locally runs `local` unchanged; one in team mode
 * runs every register operation against the team database (none writes to a local register nobody
 * else sees).
 */
export function withTeamRouting(s: CoreServices, local: RequestHandlers): RequestHandlers {
  const routed = { ...local };
  routed['requests.list'] = async (input) => (await teamRequests(s, input.workspaceId))?.list(input) ?? local['requests.list'](input);
  routed['requests.get'] = async (input) => (await teamRequests(s, input.workspaceId))?.get(input) ?? local['requests.get'](input);
  routed['requests.create'] = async (input) => (await teamRequests(s, input.workspaceId))?.create(input) ?? local['requests.create'](input);
  routed['requests.update'] = async (input) => (await teamRequests(s, input.workspaceId))?.update(input) ?? local['requests.update'](input);
  routed['requests.setStatus'] = async (input) =>
    (await teamRequests(s, input.workspaceId))?.setStatus(input) ?? local['requests.setStatus'](input);
  routed['requests.link'] = async (input) => (await teamRequests(s, input.workspaceId))?.link(input) ?? local['requests.link'](input);
  routed['requests.dashboard'] = async (input) =>
    (await teamRequests(s, input.workspaceId))?.dashboard(input) ?? local['requests.dashboard'](input);
  routed['requests.getSettings'] = async (input) =>
    (await teamRequests(s, input.workspaceId))?.settings() ?? local['requests.getSettings'](input);
  const ops = async (workspaceId: string | undefined) => (await teamRequests(s, workspaceId))?.ops();
  routed['requests.verify'] = async (input) => (await ops(input.workspaceId))?.verify(input) ?? local['requests.verify'](input);
  routed['requests.extend'] = async (input) => (await ops(input.workspaceId))?.extend(input) ?? local['requests.extend'](input);
  routed['requests.bulkUpdate'] = async (input) => (await ops(input.workspaceId))?.bulkUpdate(input) ?? local['requests.bulkUpdate'](input);
  routed['requests.importCsv'] = async (input) => (await ops(input.workspaceId))?.importCsv(input) ?? local['requests.importCsv'](input);
  routed['requests.export'] = async (input) => (await ops(input.workspaceId))?.export(input) ?? local['requests.export'](input);
  routed['requests.letter'] = async (input) => (await ops(input.workspaceId))?.letter(input) ?? local['requests.letter'](input);
  routed['requests.setSettings'] = async (input) =>
    (await ops(input.workspaceId))?.setSettings(input) ?? local['requests.setSettings'](input);
  routed['requests.applyRetention'] = async (input) => {
    const team = await teamRequests(s, input.workspaceId);
    if (!team) return local['requests.applyRetention'](input);
    return { dryRun: input.dryRun, ...(await team.retention(input.asOf, input.dryRun)) };
  };
  // Offline, every write is refused (saying so: nothing queued); reads are served from the copy.
  for (const name of WRITES) {
    const write = routed[name] as (input: unknown) => Promise<unknown>;
    routed[name] = (async (input: unknown) => {
      try {
        return await write(input);
      } catch (error) {
        throw refusedOffline(error);
      }
    }) as never;
  }
  return routed;
}

const WRITES = [
  'requests.create',
  'requests.update',
  'requests.setStatus',
  'requests.link',
  'requests.verify',
  'requests.extend',
  'requests.bulkUpdate',
  'requests.importCsv',
  'requests.export',
  'requests.letter',
  'requests.setSettings',
  'requests.applyRetention',
] as const satisfies ReadonlyArray<keyof RequestHandlers>;
