import { getHeapStatistics } from 'node:v8';
import type { WorkerMemory } from './worker-protocol';

/**
 * Sends this thread's own heap figures now and every `everyMs` (benches: the process RSS does not
 * split by thread). In a worker, memoryUsage's heap figures are this isolate's; rss is the whole
 * process's and left out.
 */
export function reportHeapEvery(everyMs: number | undefined, send: (usage: WorkerMemory) => void): void {
  if (!everyMs) return;
  const report = (): void => {
    const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    send({ heapUsed, heapTotal, heapLimit: getHeapStatistics().heap_size_limit, external, arrayBuffers });
  };
  report();
  setInterval(report, everyMs).unref();
}
