import { createCore, type Core } from '../main/core/create-core';
import { defaultDataDir } from '../main/core/fs/data-dir';
import { createLogger } from '../main/core/log/logger';
import { processSecretStore } from '../main/core/secrets/process-store';
import type { Contract, OperationName } from '../shared/contract';
import type { InputOf, OutputOf } from '../shared/contract/define';
import { CliFailure } from './cli-error';

export interface CoreSession {
  core: Core;
  call<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<OutputOf<Contract, K>>;
  close(): Promise<void>;
}

/** The CLI calls the same router as the other faces, so its input is parsed by the same schemas. */
export async function openCoreSession(): Promise<CoreSession> {
  const core = await createCore({
    dataDir: defaultDataDir(),
    face: 'cli',
    secrets: processSecretStore(),
    log: createLogger('cli', undefined, process.env.LETHE_DEBUG ? 'debug' : 'warn'),
  });
  return {
    core,
    async call(name, input) {
      const result = await core.router.call(name, input);
      if (!result.ok) throw new CliFailure(result.error);
      return result.value as never;
    },
    close: () => core.close(),
  };
}
