// Types for fuses.mjs (plain JS so electron-builder can load it without a TypeScript step).
import type { FuseV1Options } from '@electron/fuses';

export interface LetheFuse {
  readonly fuse: keyof typeof FuseV1Options;
  readonly enabled: boolean;
  readonly why: string;
}
export declare const LETHE_FUSES: readonly LetheFuse[];
export declare function letheFuseConfig(options?: { darwinArm64?: boolean }): Record<string | number, unknown>;
