import type { DemoHelpdesk } from '../core/workspaces/workspace-service';

export interface RunningDemo extends DemoHelpdesk {
  close(): Promise<void>;
}

/**
 * Starts the embedded Zendesk-compatible simulator on a free loopback port. Loaded lazily so the
 * simulator and its dataset cost nothing until someone asks for the demo.
 */
export async function startDemoHelpdesk(size: 'tiny' | 'small' | 'medium' = 'small'): Promise<RunningDemo> {
  const { startSimulator } = await import('../../sim/index');
  const sim = await startSimulator({ port: 0, size, seed: 20261128 });
  return { baseUrl: sim.url.replace(/\/$/, ''), email: sim.admin.email, token: sim.admin.token, close: () => sim.close() };
}

/** Wraps the starter so the faces can close whatever demo was started when they shut down. */
export function demoLauncher(size?: 'tiny' | 'small' | 'medium'): { start: () => Promise<DemoHelpdesk>; close: () => Promise<void> } {
  let running: Promise<RunningDemo> | null = null;
  return {
    start: async () => {
      running ??= startDemoHelpdesk(size);
      return running;
    },
    close: async () => {
      if (running) await (await running).close();
    },
  };
}
