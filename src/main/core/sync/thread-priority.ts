import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the CPU priority of the calling worker thread, not of the process: on Linux a thread is
 * a task of its own, addressed by its id (from /proc/thread-self), and setpriority on that id
 * changes only that thread. Elsewhere (macOS, Windows) it does nothing: there the call would
 * change the whole process, the UI's thread included. Raising a nice value needs no privilege.
 * `by` is added to the thread's nice value (inherited from the thread that started it), up to 19.
 * Returns whether the priority was changed.
 */
export function lowerThisThreadPriority(by: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // The main thread's id is the process id: never change it from here.
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    const current = getPriority(tid);
    const lowered = Math.min(19, current + Math.max(0, Math.trunc(by)));
    if (lowered === current) return false;
    setPriority(tid, lowered);
    return true;
  } catch {
    return false;
  }
}
