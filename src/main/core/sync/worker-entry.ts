import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';

/** The sync's two threads: the writer (sync-worker.ts) and the one that fetches its pages (page-fetcher.ts). */
export type WorkerName = 'sync-worker' | 'page-fetcher';

/**
 * Heap limits for the sync's threads. Their live data is a few export pages, but V8 sizes a
 * worker's heap from the machine's memory: on 24 GB it let each thread's heap grow to about four
 * times what it kept alive before collecting, and at the RSS peak of a 1M-ticket sync the two held
 * 257 MB of heap between them, 191 MB of it in use (a probe of bench/scale.ts's build: peak RSS
 * 487 MB, target 500; 377 MB with these limits). A limit at or under 512 MB also makes V8 grow the
 * heap by at most about 1.4 times its live data. The old generation's limit is a ceiling, not a
 * budget: far above the largest page either thread holds (a 1,000-ticket page is a few MB of
 * JSON), since a thread that reaches it dies, and the sync stops there (resumable, nothing lost,
 * but stopped). The young generation only sets how often garbage is swept, nothing more.
 */
export const THREAD_HEAP_LIMITS: Record<WorkerName, ResourceLimits> = {
  'sync-worker': { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 32 },
  'page-fetcher': { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 },
};

/**
 * Where a worker's code is. From TypeScript sources (vitest, tsx) this module's URL ends in
 * `.ts`: the worker is the `.ts` file beside it, loaded through tsx. In the electron-vite bundle
 * this module sits in out/main/ or out/main/chunks/, and the worker is out/main/<name>.js (an entry
 * of its own in electron.vite.config.ts).
 *
 * Why not `execArgv: ['--import', 'tsx']` for sources: on Node 20 a worker does not get the hooks
 * of an `--import` in its execArgv in time for its own entry ("Unknown file extension .ts"), so a
 * two-line bootstrap registers tsx's loader in the worker and then imports the entry.
 */
export function workerEntry(name: WorkerName, moduleUrl: string = import.meta.url): { file: string | URL; eval: boolean } {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.ts')) {
    const entry = pathToFileURL(join(dirname(here), `${name}.ts`)).href;
    const tsx = pathToFileURL(tsxEsmApi(moduleUrl)).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    return { file: bootstrap, eval: true };
  }
  const candidates = [join(dirname(here), `${name}.js`), join(dirname(dirname(here)), `${name}.js`)];
  return { file: candidates.find((c) => existsSync(c)) ?? candidates[0]!, eval: false };
}

/** tsx's ESM API file (its CommonJS twin cannot register the ESM loader). */
function tsxEsmApi(moduleUrl: string): string {
  const manifest = createRequire(moduleUrl).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = pkg.exports['./esm/api']?.import.default;
  if (!api) throw new Error('tsx/esm/api not found');
  return join(dirname(manifest), api);
}
