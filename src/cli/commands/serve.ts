import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { serve } from '../../main/host/serve';
import { CliFailure, EXIT } from '../cli-error';

/** The built renderer sits beside the CLI bundle (out/main/cli.js → out/renderer). */
export function builtRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../renderer'), resolve(here, '../../out/renderer'), resolve(here, '../../../out/renderer')];
  const found = candidates.find((dir) => existsSync(resolve(dir, 'index.html')));
  if (!found) {
    throw new CliFailure({ code: 'not_found', message: 'The console is not built yet: run npm run build first' });
  }
  return found;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliFailure({ code: 'invalid_input', message: `--port must be a whole number from 0 to 65535, not ${value}` }, EXIT.usage);
  }
  return port;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the console to a browser on 127.0.0.1 (browser mode, for machines without a display)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4800')
    .option('--demo', 'start the embedded demo helpdesk and open its workspace')
    .addHelpText(
      'after',
      '\nPrints one line "Lethe is serving at http://127.0.0.1:<port>/#token=<token>"; open it in a browser.\n' +
        'Every API call needs that per-launch token (set LETHE_TOKEN to choose it).\n\nExamples:\n  lethe serve --demo\n  lethe serve --port 4800',
    )
    .action(async (opts: { port: string; demo?: boolean }) => {
      const running = await serve({ port: parsePort(opts.port), demo: Boolean(opts.demo), rendererDir: builtRendererDir() });
      await new Promise<void>((resolveStop) => {
        const stop = () => {
          void running.stop().finally(resolveStop);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
