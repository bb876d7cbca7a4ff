import { randomBytes } from 'node:crypto';
import { LetheError } from '../../shared/errors';
import { createCore } from '../core/create-core';
import { defaultDataDir } from '../core/fs/data-dir';
import { createLogger, registerSecret } from '../core/log/logger';
import { processSecretStore } from '../core/secrets/process-store';
import { demoLauncher } from '../demo/start-demo';
import { startHost, type Host } from './server';

export interface ServeOptions {
  port: number;
  demo: boolean;
  dataDir?: string;
  rendererDir: string;
  /** Where to print the one line with the URL; stdout by default. */
  announce?: (line: string) => void;
}

export function newSessionToken(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.LETHE_TOKEN;
  if (fromEnv !== undefined) {
    if (!/^[A-Za-z0-9_-]{32,256}$/.test(fromEnv)) {
      throw new LetheError('invalid_input', 'LETHE_TOKEN must be 32 to 256 characters of A-Z, a-z, 0-9, _ or -');
    }
    return fromEnv;
  }
  return randomBytes(32).toString('base64url');
}

/** Browser mode: core + host + (optionally) the demo helpdesk, until the process is told to stop. */
export async function serve(options: ServeOptions): Promise<{ host: Host; token: string; stop: () => Promise<void> }> {
  const log = createLogger('host');
  const token = newSessionToken();
  registerSecret(token);
  const demo = demoLauncher();
  const core = await createCore({
    dataDir: options.dataDir ?? defaultDataDir(),
    face: 'browser',
    secrets: processSecretStore(log, { logGaveUp: true }),
    log,
    startDemo: demo.start,
  });
  if (options.demo) await core.router.call('demo.start', {});
  const host = await startHost({ core, rendererDir: options.rendererDir, token, port: options.port, log });
  (options.announce ?? ((line) => process.stdout.write(`${line}\n`)))(`Lethe is serving at http://127.0.0.1:${host.port}/#token=${token}`);
  const stop = async (): Promise<void> => {
    const started = Date.now();
    await host.close();
    await core.close();
    await demo.close();
    log.info(`stopped in ${Date.now() - started} ms`);
  };
  return { host, token, stop };
}
