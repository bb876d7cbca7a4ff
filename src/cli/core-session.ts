import { createCore, type Core } from '../main/core/create-core';
import { defaultDataDir } from '../main/core/fs/data-dir';
import { createLogger } from '../main/core/log/logger';
import type { Router } from '../main/core/router/router';
import { processSecretStore } from '../main/core/secrets/process-store';
import type { Contract, OperationName } from '../shared/contract';
import type { ContractShape, InputOf, OutputOf } from '../shared/contract/define';
import type { ErrorInfo, Result } from '../shared/errors';
import { CliFailure } from './cli-error';

export interface CoreSession {
  core: Core;
  call<K extends OperationName>(name: K, input: InputOf<Contract, K>): Promise<OutputOf<Contract, K>>;
  close(): Promise<void>;
}

/**
 * "No workspace is selected" while the console shows the demo: the demo helpdesk lives only inside
 * the `lethe serve --demo` or desktop process that started it (simulator, token and key in memory),
 * so no other process can reach it. Say so, and how to practise from the command line instead.
 */
export const DEMO_HINT =
  'The demo helpdesk of `lethe serve --demo` and the desktop app lives only inside that process (its data and key are ' +
  'in memory), so the CLI cannot see it. To practise on the command line, run `lethe sim --size tiny` and add it with ' +
  '`lethe workspaces add` (see its --help).';

async function withDemoHint(core: Core, error: ErrorInfo): Promise<ErrorInfo> {
  if (error.code !== 'not_found' || (await core.workspaces.active().catch(() => null)) !== null) return error;
  return { ...error, message: `${error.message}. ${DEMO_HINT}` };
}

/** The CLI calls the same router as the other faces, so its input is parsed by the same schemas. */
export async function openCoreSession(): Promise<CoreSession> {
  const log = createLogger('cli', undefined, process.env.LETHE_DEBUG ? 'debug' : 'warn');
  const inner = await createCore({ dataDir: defaultDataDir(), face: 'cli', secrets: processSecretStore(log), log });
  // Every command calls through this router (some through session.core.router directly).
  const router: Router = {
    names: inner.router.names,
    call: async (name, payload) => {
      const result = await inner.router.call(name, payload);
      return result.ok ? result : { ok: false, error: await withDemoHint(inner, result.error) };
    },
  };
  const core: Core = { ...inner, router };
  return {
    core,
    async call(name, input) {
      const result = await router.call(name, input);
      if (!result.ok) throw new CliFailure(result.error);
      return result.value as never;
    },
    close: () => inner.close(),
  };
}

/** One command's session, closed however the command ends. */
export async function withSession<T>(run: (session: CoreSession) => Promise<T>): Promise<T> {
  const session = await openCoreSession();
  try {
    return await run(session);
  } finally {
    await session.close();
  }
}

/** The session's call typed against one contract group, so a command type-checks against its own operations. */
export function groupCall<G extends ContractShape>() {
  return async <K extends keyof G & string>(session: CoreSession, name: K, input: InputOf<G, K>): Promise<OutputOf<G, K>> => {
    const result = (await session.core.router.call(name, input)) as Result<OutputOf<G, K>>;
    if (!result.ok) throw new CliFailure(result.error);
    return result.value;
  };
}
