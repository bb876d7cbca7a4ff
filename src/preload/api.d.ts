import type { LetheBridge } from '../shared/contract/bridge';

declare global {
  interface Window {
    /**
     * Present only in the Electron app (the preload's bridge). Browser mode has no `lethe`: the
     * renderer's client falls back to HTTP, so code must check before using it.
     */
    readonly lethe?: LetheBridge;
  }
}

export {};
