/**
 * Peak RSS with what it was made of at the moment of the peak. `process.memoryUsage()` gives the
 * whole process's RSS but only the calling thread's heap, so the sync's writer and fetching
 * threads post their own heaps (onWorkerMemory) and Linux splits the RSS into anonymous memory (heaps, SQLite page caches,
 * native buffers) and file-backed pages (the code, mapped files).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { WorkerMemory } from '../src/main/core/sync/worker-protocol';

const MB = 1024 * 1024;
const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

/** RssAnon, RssFile and RssShmem from /proc/self/status in bytes; null elsewhere than Linux. */
function rssSplit(): { anon: number; file: number; shmem: number } | null {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
  } catch {
    return null;
  }
}

export interface PeakMemory {
  peakRssMb: number;
  /** What the RSS held when it peaked (MB), and when (seconds from start). */
  atPeak: Record<string, number | null>;
}

export function trackPeakMemory(everyMs = 50): {
  onWorkerMemory: (usage: WorkerMemory, thread: 'writer' | 'fetcher') => void;
  stop: () => PeakMemory;
} {
  const started = performance.now();
  let worker: WorkerMemory | null = null;
  let fetcher: WorkerMemory | null = null;
  let peak = 0;
  let atPeak: Record<string, number | null> = {};
  const sample = (): void => {
    const usage = process.memoryUsage();
    if (usage.rss <= peak) return;
    peak = usage.rss;
    const split = rssSplit();
    atPeak = {
      seconds: Math.round((performance.now() - started) / 100) / 10,
      rss: mb(usage.rss),
      rss_anon: split ? mb(split.anon) : null,
      rss_file: split ? mb(split.file) : null,
      rss_shmem: split ? mb(split.shmem) : null,
      main_heap_used: mb(usage.heapUsed),
      main_heap_total: mb(usage.heapTotal),
      main_external: mb(usage.external),
      worker_heap_used: worker ? mb(worker.heapUsed) : null,
      worker_heap_total: worker ? mb(worker.heapTotal) : null,
      worker_external: worker ? mb(worker.external) : null,
      fetcher_heap_used: fetcher ? mb(fetcher.heapUsed) : null,
      fetcher_heap_total: fetcher ? mb(fetcher.heapTotal) : null,
    };
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    onWorkerMemory: (usage, thread) => {
      if (thread === 'fetcher') fetcher = usage;
      else worker = usage;
    },
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakRssMb: mb(peak), atPeak };
    },
  };
}
