import { pathToFileURL } from 'node:url';
import { startSimulator, type SimulatorOptions } from './index';
import type { DatasetSize } from './dataset';

/**
 * CLI: npx tsx src/sim/main.ts [--port P] [--size tiny|small|medium|large] [--seed N] [--rate N]
 *      [--export-rate N] [--no-limits] [--faults error=0.05,slow=200,drop=0.01] [--verbose]
 * Prints "listening on http://127.0.0.1:P" first, then the credentials it accepts.
 */

const SIZES: DatasetSize[] = ['tiny', 'small', 'medium', 'large'];

export function parseArgs(argv: string[]): SimulatorOptions & { verbose: boolean } {
  const opts: SimulatorOptions & { verbose: boolean } = { verbose: false };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string | undefined => argv[++i];
    switch (a) {
      case '--port':
        opts.port = num(a, next());
        break;
      case '--size': {
        const s = next();
        if (!SIZES.includes(s as DatasetSize)) throw new Error(`--size must be one of ${SIZES.join(', ')}`);
        opts.size = s as DatasetSize;
        break;
      }
      case '--seed':
        opts.seed = num(a, next());
        break;
      case '--rate':
        opts.rateLimitPerMinute = num(a, next());
        break;
      case '--export-rate':
        opts.exportLimitPerMinute = num(a, next());
        break;
      case '--no-limits':
        opts.noLimits = true;
        break;
      case '--verbose':
        opts.verbose = true;
        break;
      case '--faults': {
        const faults: NonNullable<SimulatorOptions['faults']> = {};
        for (const part of (next() ?? '').split(',').filter(Boolean)) {
          const [k, v] = part.split('=');
          if (k === 'error') faults.errorRate = num('error', v);
          else if (k === 'slow') faults.slowMs = num('slow', v);
          else if (k === 'drop') faults.dropRate = num('drop', v);
          else if (k === 'jobfail') faults.jobItemFailureRate = num('jobfail', v);
          else throw new Error(`unknown fault "${k}" (error, slow, drop, jobfail)`);
        }
        opts.faults = faults;
        break;
      }
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return opts;
}

export const USAGE = `usage: sim [--port P] [--size tiny|small|medium|large] [--seed N] [--rate N] [--export-rate N]
           [--no-limits] [--faults error=0.05,slow=200,drop=0.01,jobfail=0.1] [--verbose]`;

/** Starts the simulator and resolves once it listens; the open server keeps the process alive. */
export async function runSimulatorCli(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(args);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { verbose, ...simOpts } = opts;
  const sim = await startSimulator({
    size: 'tiny',
    ...simOpts,
    ...(verbose ? { log: (l: string) => process.stderr.write(`${l}\n`) } : {}),
  });
  process.stdout.write(`listening on ${sim.url}\n`);
  process.stdout.write(`admin email: ${sim.admin.email}\nadmin token: ${sim.admin.token}\n`);
  process.stdout.write(`agent email: ${sim.agent.email}\nagent token: ${sim.agent.token}\n`);
  process.stdout.write(
    `dataset: size=${sim.dataset.size} seed=${sim.dataset.seed} users=${sim.dataset.userCount} tickets=${sim.dataset.ticketCount}\n`,
  );
  const stop = (): void => {
    void sim.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) void runSimulatorCli(process.argv.slice(2));
