import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The simulator in a CHILD PROCESS (`src/sim/main.ts --no-limits --port 0`), so its CPU, memory
 * and page serialisation are not in this process's RSS and event-loop figures: the benches that
 * measure the sync as the app runs it (worker thread, main thread serving the UI) run it so.
 */
export interface SimChild {
  child: ChildProcess;
  url: string;
  email: string;
  token: string;
  /** Stops the child (its exit is then not an error). */
  close(): void;
}

export function startSimChild(size: string, seed?: number): Promise<SimChild> {
  const args = ['--import', 'tsx', 'src/sim/main.ts', '--size', size, '--no-limits', '--port', '0'];
  if (seed !== undefined) args.push('--seed', String(seed));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`simulator exited (${code})`)));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const url = /listening on (\S+)/.exec(out)?.[1];
      const email = /admin email: (\S+)/.exec(out)?.[1];
      const token = /admin token: (\S+)/.exec(out)?.[1];
      if (url && email && token && /dataset:/.test(out))
        resolve({
          child,
          url,
          email,
          token,
          close: () => {
            child.removeAllListeners('exit');
            child.kill('SIGTERM');
          },
        });
    });
  });
}
