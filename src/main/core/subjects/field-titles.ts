import { listCustomFields } from '../helpdesk';
import type { CoreServices } from '../services';
import { WorkspaceClients } from '../workspaces/workspace-clients';
import type { FieldTitles } from './custom-fields';

const FRESH_MS = 10 * 60_000;
/** After a failed read the dossier does not wait for the helpdesk again for this long. */
const RETRY_AFTER_MS = 60_000;

/**
 * The titles of custom user and organization fields, read from the helpdesk when a dossier is built
 * and kept in memory for ten minutes (they change when an admin edits the fields, rarely). The
 * dossier must open offline: a helpdesk that cannot be reached gives null (keys are shown, marked
 * so) after one short attempt, and is not asked again for a minute.
 */
export class FieldTitleCache {
  readonly #clients: WorkspaceClients;
  readonly #entries = new Map<string, { at: number; titles: FieldTitles }>();

  constructor(s: Pick<CoreServices, 'workspaces' | 'log'>) {
    this.#clients = new WorkspaceClients(s, { maxAttempts: 2, timeoutMs: 5_000, backoff: { baseMs: 100, capMs: 500 } });
  }

  async titles(workspaceId: string): Promise<FieldTitles> {
    const seen = this.#entries.get(workspaceId);
    const now = Date.now();
    if (seen && now - seen.at < (seen.titles ? FRESH_MS : RETRY_AFTER_MS)) return seen.titles;
    let titles: FieldTitles = null;
    try {
      const client = await this.#clients.client(workspaceId);
      const [user, organization] = await Promise.all([listCustomFields(client, 'user'), listCustomFields(client, 'organization')]);
      titles = {
        user: new Map(user.map((f) => [f.key, f.title])),
        organization: new Map(organization.map((f) => [f.key, f.title])),
      };
    } catch {
      titles = null;
    }
    this.#entries.set(workspaceId, { at: now, titles });
    return titles;
  }
}
