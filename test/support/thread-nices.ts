import { readdirSync, readFileSync } from 'node:fs';

/** Each thread of this process and its nice value, from Linux's /proc (field 19 of a task's stat). Linux only. */
export function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}
