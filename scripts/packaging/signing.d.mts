// Types for signing.mjs (plain JS so scripts/packaging/dist.mjs runs without a TypeScript step).
export interface SigningPlan {
  readonly sign: boolean;
  readonly notarize: boolean;
  /** Variables to add to electron-builder's environment. */
  readonly env: Record<string, string>;
  readonly messages: string[];
  /** Inconsistent variables: stop before building. */
  readonly errors: string[];
}
export declare function signingPlan(platform: NodeJS.Platform, env: Record<string, string | undefined>): SigningPlan;
