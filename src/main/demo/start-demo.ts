import type { DemoHelpdesk } from '../core/workspaces/workspace-service';

/** The demo's dataset: its register (demo-register.ts) picks its people from the same one. */
export const DEMO_SEED = 20261128;
export const DEMO_SIZE = 'small' as const;

export interface RunningDemo extends DemoHelpdesk {
  close(): Promise<void>;
}

/**
 * Starts the embedded Zendesk-compatible simulator on a free loopback port. Loaded lazily so the
 * simulator and its dataset cost nothing until someone asks for the demo.
 */
export async function startDemoHelpdesk(): Promise<RunningDemo> {
  const { startSimulator } = await import('../../sim/index');
  const sim = await startSimulator({ port: 0, size: DEMO_SIZE, seed: DEMO_SEED });
  return { baseUrl: sim.url.replace(/\/$/, ''), email: sim.admin.email, token: sim.admin.token, close: () => sim.close() };
}

/** Wraps the starter so the faces can close whatever demo was started when they shut down. */
export function demoLauncher(): { start: () => Promise<DemoHelpdesk>; close: () => Promise<void> } {
  let running: Promise<RunningDemo> | null = null;
  return {
    start: async () => {
      running ??= startDemoHelpdesk();
      return running;
    },
    close: async () => {
      if (running) await (await running).close();
    },
  };
}
