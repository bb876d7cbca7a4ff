/**
 * The main thread's event-loop stalls while something else works (not a bench: files starting with
 * `_` are helpers). monitorEventLoopDelay gives the worst delay; a 10 ms setInterval probe says,
 * for its own worst drift, how much of it the thread spent waiting for a CPU (the run queue, from
 * Linux's schedstat) and how much it ran, so a stall can be read as "this code blocked" or "the
 * machine was busy" (2 shared cores run the writer, the simulator and this thread).
 */
import { readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { procStatFields } from './_proc';

export interface StallFigures {
  /** The worst delay seen by either measure. */
  maxMs: number;
  p99Ms: number;
  /**
   * The probe's worst drift, what the thread did meanwhile (zero where /proc is missing), and when
   * (seconds from the start). Its time on a CPU is also split into user and kernel time (in clock
   * ticks of 10 ms, so coarse) with the page faults it took: JavaScript or native code runs in user
   * time; page faults, reclaim and system calls in kernel time.
   */
  worst: WorstWindow;
  /** The worst drift minus the time spent waiting for a CPU in it. */
  maxOwnMs: number;
  /** The main thread's longest garbage collection (a pause of this thread's event loop), and when. */
  longestGc: { ms: number; kind: string; atSeconds: number };
}

export interface WorstWindow {
  driftMs: number;
  runQueueMs: number;
  onCpuMs: number;
  userMs: number;
  kernelMs: number;
  minorFaults: number;
  majorFaults: number;
  atSeconds: number;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

interface ThreadSched {
  onCpuNs: number;
  runQueueNs: number;
  userTicks: number;
  kernelTicks: number;
  minorFaults: number;
  majorFaults: number;
}

/** Linux's USER_HZ: /proc reports user and kernel time in hundredths of a second. */
const TICK_MS = 10;

/** The main thread's time on a CPU and waiting in the run queue (ns), its user and kernel ticks and page faults, from /proc; null elsewhere. */
function mainThreadSched(): ThreadSched | null {
  try {
    const [onCpu, runQueue] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    if (onCpu === undefined || runQueue === undefined) return null;
    const f = procStatFields(`/proc/self/task/${process.pid}/stat`);
    return {
      onCpuNs: onCpu,
      runQueueNs: runQueue,
      minorFaults: f[7] ?? 0,
      majorFaults: f[9] ?? 0,
      userTicks: f[11] ?? 0,
      kernelTicks: f[12] ?? 0,
    };
  } catch {
    return null;
  }
}

export function watchStalls(resolutionMs = 5): { stop(): StallFigures } {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  let maxDrift = 0;
  let expected = performance.now() + 10;
  let last = mainThreadSched();
  const started = performance.now();
  const secondsFromStart = (at: number): number => Math.round((at - started) / 100) / 10;
  let worst: WorstWindow = { driftMs: 0, runQueueMs: 0, onCpuMs: 0, userMs: 0, kernelMs: 0, minorFaults: 0, majorFaults: 0, atSeconds: 0 };
  let maxOwnMs = 0;
  let longestGc = { ms: 0, kind: 'none', atSeconds: 0 };
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration <= longestGc.ms) continue;
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1;
      longestGc = {
        ms: entry.duration,
        kind: GC_KINDS[kind] ?? String(kind),
        atSeconds: secondsFromStart(entry.startTime),
      };
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const probe = setInterval(() => {
    const now = performance.now();
    const drift = now - expected;
    const sched = mainThreadSched();
    if (sched && last) {
      const runQueueMs = (sched.runQueueNs - last.runQueueNs) / 1e6;
      const onCpuMs = (sched.onCpuNs - last.onCpuNs) / 1e6;
      if (drift > worst.driftMs) {
        worst = {
          driftMs: drift,
          runQueueMs,
          onCpuMs,
          userMs: (sched.userTicks - last.userTicks) * TICK_MS,
          kernelMs: (sched.kernelTicks - last.kernelTicks) * TICK_MS,
          minorFaults: sched.minorFaults - last.minorFaults,
          majorFaults: sched.majorFaults - last.majorFaults,
          atSeconds: secondsFromStart(now),
        };
      }
      maxOwnMs = Math.max(maxOwnMs, drift - runQueueMs);
    }
    last = sched;
    maxDrift = Math.max(maxDrift, drift);
    expected = now + 10;
  }, 10);
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      clearInterval(probe);
      gcs.disconnect();
      return { maxMs: Math.max(histogram.max / 1e6, maxDrift), p99Ms: histogram.percentile(99) / 1e6, worst, maxOwnMs, longestGc };
    },
  };
}
