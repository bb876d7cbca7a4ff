import type { ContractShape } from '../../shared/contract/define';
import type { AppInfo } from '../../shared/contract/groups/app';
import type { EventBus } from './events/event-bus';
import type { Logger } from './log/logger';
import type { Handlers } from './router/router';
import type { SecretStore } from './secrets/secret-store';
import type { CacheManager } from './workspaces/cache-manager';
import type { ConfigStore } from './workspaces/config-file';
import type { WorkspaceService } from './workspaces/workspace-service';

/** What every domain's handlers may use; built once in create-core. */
export interface CoreServices {
  readonly dataDir: string;
  readonly face: AppInfo['face'];
  readonly log: Logger;
  readonly events: EventBus;
  readonly config: ConfigStore;
  readonly secrets: SecretStore;
  readonly workspaces: WorkspaceService;
  readonly caches: CacheManager;
  /**
   * The desktop face's "save as" (a native dialog, then an atomic copy). Absent in browser mode and
   * the CLI, which deliver files by download or by path.
   */
  readonly saveFile?: (sourcePath: string, suggestedName: string) => Promise<{ saved: boolean; path: string | null }>;
  /** Close hooks run in reverse order when the core closes (sync cancels, caches close). */
  onClose(close: () => Promise<void> | void): void;
}

/** Each domain implements its own contract group; create-core spreads them into one router. */
export type DomainHandlers<G extends ContractShape> = Handlers<G>;
