import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/main/core/create-core';
import { createMemoryLogger } from '../../src/main/core/log/logger';
import { MemorySecretStore, type SecretStore } from '../../src/main/core/secrets/secret-store';
import type { DemoHelpdesk } from '../../src/main/core/workspaces/workspace-service';
import type { Contract, OperationName } from '../../src/shared/contract';
import type { InputOf, OutputOf } from '../../src/shared/contract/define';
import type { Result } from '../../src/shared/errors';

export interface TestCore {
  core: Core;
  dataDir: string;
  secrets: SecretStore;
  /** router.call with the contract's types, for tests that read the value. */
  call<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<Result<OutputOf<Contract, K>>>;
  dispose(): Promise<void>;
}

/** A core over a throw-away data directory, for tests that exercise the contract end to end. */
export async function createTestCore(options: { secrets?: SecretStore; startDemo?: () => Promise<DemoHelpdesk> } = {}): Promise<TestCore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lethe-test-'));
  const secrets = options.secrets ?? new MemorySecretStore();
  const core = await createCore({
    dataDir,
    face: 'cli',
    secrets,
    log: createMemoryLogger(),
    ...(options.startDemo ? { startDemo: options.startDemo } : {}),
  });
  return {
    core,
    dataDir,
    secrets,
    call: (name, input) => core.router.call(name, input) as never,
    async dispose() {
      await core.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
