import { readFileSync } from 'node:fs';

/**
 * A Linux /proc `stat` line's fields after the command name, as numbers: index 0 is the state
 * (field 3 in proc(5), so NaN here), minflt is index 7, majflt 9, utime 11 and stime 12 (in clock
 * ticks). The command name may hold spaces and parentheses, hence the last ')'. Throws where /proc
 * is missing.
 */
export function procStatFields(path: string): number[] {
  const stat = readFileSync(path, 'utf8');
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
}
