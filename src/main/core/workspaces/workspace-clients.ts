import { LetheError } from '../../../shared/errors';
import { RateLimitScheduler, ZendeskClient, type TransportOptions } from '../helpdesk';
import type { CoreServices } from '../services';

/** The workspace named (it must exist), or the active one: how every domain reads `workspaceId?`. */
export async function resolveWorkspace(s: Pick<CoreServices, 'workspaces'>, workspaceId: string | undefined): Promise<string> {
  if (workspaceId !== undefined) {
    await s.workspaces.get(workspaceId);
    return workspaceId;
  }
  const active = await s.workspaces.active();
  if (!active) throw new LetheError('not_found', 'No workspace is selected; add or select one first');
  return active.id;
}

/**
 * Zendesk's rate limit is the account's, whoever asks: actions, erasure, sync (and its background
 * index fill) and the dossier's looks each keep their own client but share one scheduler per
 * helpdesk address and core, so each sees the others' requests in the window at once (not only
 * through the next answer's X-Rate-Limit-Remaining), a 429 holds everyone back, and background
 * work can tell that an officer is waiting (RateLimitScheduler.foregroundIdleMs).
 */
const schedulers = new WeakMap<object, Map<string, RateLimitScheduler>>();
function accountScheduler(owner: object, baseUrl: string): RateLimitScheduler {
  let byAddress = schedulers.get(owner);
  if (!byAddress) schedulers.set(owner, (byAddress = new Map()));
  const key = baseUrl.replace(/\/+$/, '').toLowerCase();
  let scheduler = byAddress.get(key);
  if (!scheduler) byAddress.set(key, (scheduler = new RateLimitScheduler()));
  return scheduler;
}

export interface WorkspaceClient {
  client: ZendeskClient;
  /** Requests this client has sent (each retry counts); only counted when asked for. */
  requests: { n: number };
}

/**
 * One helpdesk client per workspace, and with it one rate-limit scheduler, kept while the
 * credentials stay the same: a changed token or address builds a new client on the next call.
 * Actions, erasure and sync each keep one of these.
 */
export class WorkspaceClients {
  readonly #entries = new Map<string, WorkspaceClient & { key: string }>();

  constructor(
    private readonly s: Pick<CoreServices, 'workspaces' | 'log'>,
    private readonly transport: TransportOptions | undefined,
    private readonly options: { countRequests?: boolean } = {},
  ) {}

  async entry(workspaceId: string): Promise<WorkspaceClient> {
    const c = await this.s.workspaces.credentials(workspaceId);
    const key = `${c.baseUrl}\n${c.email}\n${c.token}`;
    const existing = this.#entries.get(workspaceId);
    if (existing?.key === key) return existing;
    const requests = { n: 0 };
    const onRequest = this.transport?.onRequest;
    const client = new ZendeskClient(
      { baseUrl: c.baseUrl, email: c.email, token: c.token },
      {
        logger: this.s.log.child('helpdesk'),
        // A caller's own scheduler or clock (tests, benches) wins; otherwise the account's shared one.
        ...(this.transport?.scheduler || this.transport?.clock ? {} : { scheduler: accountScheduler(this.s.workspaces, c.baseUrl) }),
        ...this.transport,
        ...(this.options.countRequests
          ? {
              onRequest: (info: Parameters<NonNullable<TransportOptions['onRequest']>>[0]) => {
                requests.n++;
                onRequest?.(info);
              },
            }
          : {}),
      },
    );
    const entry = { key, client, requests };
    this.#entries.set(workspaceId, entry);
    return entry;
  }

  async client(workspaceId: string): Promise<ZendeskClient> {
    return (await this.entry(workspaceId)).client;
  }
}

/**
 * What actions, erasure and sync share: the core's services, their own options, a helpdesk client
 * per workspace and the reading of `workspaceId?`. Erasure counts its requests (a run reports them).
 */
export abstract class WorkspaceDomain<O extends { transport?: TransportOptions }> {
  protected readonly clients: WorkspaceClients;

  constructor(
    protected readonly s: CoreServices,
    protected readonly options: O,
    clientOptions: { countRequests?: boolean } = {},
  ) {
    this.clients = new WorkspaceClients(s, options.transport, clientOptions);
  }

  resolve(workspaceId: string | undefined): Promise<string> {
    return resolveWorkspace(this.s, workspaceId);
  }
}
