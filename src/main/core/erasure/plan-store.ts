import type { Journal } from '../journal';
import type { Json } from '../journal/types';
import type { CoreServices } from '../services';
import { teamErasureStore } from '../team/team-erasure';

/**
 * Where a workspace's erasure plans, approvals and journal live, chosen per workspace when the
 * service first needs it. Single-user (the default): the local journal, and every hook below is a
 * no-op. Team mode: the team database is the authority and the local journal is this machine's
 * working copy of the runs it reads or runs (see team/team-erasure.ts and docs/team-mode.md).
 */
export interface ErasureStore {
  /** The database role acting in team mode (it replaces typed names); null locally. */
  readonly role: string | null;
  readSetting<T = Json>(journal: Journal, key: string): Promise<T | undefined>;
  /** Writes only when the key is unset; answers what is stored afterwards (first writer wins). */
  initSetting<T extends Json>(journal: Journal, key: string, value: T): Promise<T>;
  writeSetting(journal: Journal, key: string, value: Json): Promise<void>;
  /** Brings the authoritative copy of one run (all erasure runs without an id) into the local journal. */
  pull(journal: Journal, runId?: string, skip?: ReadonlySet<string>): Promise<void>;
  /** A run just created locally, shared. */
  created(journal: Journal, runId: string): Promise<void>;
  /** A draft's document changed locally (override, revalidation): shared, unless it left draft elsewhere. */
  pushDraft(journal: Journal, runId: string): Promise<void>;
  /** Records an approval where it is enforced; answers the approver's name (null: the typed name applies). */
  approve(runId: string, fingerprint: string, note: string): Promise<string | null>;
  /** Takes the run to execute it (fresh: still a draft); a run held by another is a conflict. */
  claim(runId: string, fresh: boolean): Promise<void>;
  /**
   * Only the role holding a run may write to it after it ran (Zendesk's status read again): its
   * receipt is kept on the machine that ran it. Another role is a conflict naming the holder.
   */
  assertHolder(runId: string): Promise<void>;
  /** While the run executes: `beforeSend` shares the journal before any request goes out; `flush` at the end. */
  mirror(journal: Journal, runId: string): { beforeSend: () => Promise<void>; flush: () => Promise<void>; stop: () => void };
}

export type ErasureStores = (workspaceId: string) => Promise<ErasureStore>;

const noop = async (): Promise<void> => undefined;

export const localErasureStore: ErasureStore = {
  role: null,
  readSetting: async (journal, key) => journal.readSetting(key),
  initSetting: async (journal, key, value) => {
    const existing = journal.readSetting<typeof value>(key);
    if (existing !== undefined) return existing;
    journal.writeSetting(key, value);
    return value;
  },
  writeSetting: async (journal, key, value) => journal.writeSetting(key, value),
  pull: noop,
  created: noop,
  pushDraft: noop,
  approve: async () => null,
  claim: noop,
  assertHolder: noop,
  mirror: () => ({ beforeSend: noop, flush: noop, stop: () => undefined }),
};

/** The default: the team store for a workspace in team mode, the local journal otherwise. */
export function erasureStores(s: CoreServices): ErasureStores {
  return async (workspaceId) => (await teamErasureStore(s, workspaceId)) ?? localErasureStore;
}
