// The Electron fuses Lethe flips at package time (docs/electron-security.md, README "The desktop
// app"). One list, read by the afterPack hook that applies it and by test/packaging/fuses.test.ts
// that checks it, so the two cannot drift. Fuses are bits in the Electron binary itself: unlike
// a runtime setting, nothing the app or its environment does afterwards can turn them back.
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * Each fuse by its @electron/fuses name, the state we want, and why. Names, not indexes, so a
 * typo or a fuse renamed upstream fails the test rather than flipping the wrong bit.
 */
export const LETHE_FUSES = Object.freeze([
  {
    fuse: 'RunAsNode',
    enabled: false,
    why: 'ELECTRON_RUN_AS_NODE would turn the signed binary into a plain Node.js that runs any script',
  },
  {
    fuse: 'EnableNodeOptionsEnvironmentVariable',
    enabled: false,
    why: 'NODE_OPTIONS could preload arbitrary code into the main process',
  },
  {
    fuse: 'EnableNodeCliInspectArguments',
    enabled: false,
    why: '--inspect would let a local process attach a debugger to the main process and read the keychain-held keys',
  },
  {
    fuse: 'EnableCookieEncryption',
    enabled: true,
    why: 'cookies on disk are encrypted with the OS keychain like the cache key',
  },
  {
    fuse: 'EnableEmbeddedAsarIntegrityValidation',
    enabled: true,
    why: 'a tampered app.asar fails to load instead of running (macOS and Windows)',
  },
  {
    fuse: 'OnlyLoadAppFromAsar',
    enabled: true,
    why: 'the app is only loaded from the integrity-checked app.asar, never from a loose app/ folder placed beside it',
  },
  {
    fuse: 'GrantFileProtocolExtraPrivileges',
    enabled: false,
    why: 'the UI is served from app://lethe, so file:// pages need no extra privileges',
  },
]);

/** The config object @electron/fuses' flipFuses takes. */
export function letheFuseConfig({ darwinArm64 = false } = {}) {
  /** @type {Record<string | number, unknown>} */
  const config = {
    version: FuseVersion.V1,
    // Flipping fuses edits the binary, which breaks the ad-hoc signature arm64 macOS needs to run
    // an unsigned build at all; re-sign ad hoc. A real signature is applied after this hook.
    resetAdHocDarwinSignature: darwinArm64,
  };
  for (const { fuse, enabled } of LETHE_FUSES) {
    const index = FuseV1Options[/** @type {keyof typeof FuseV1Options} */ (fuse)];
    if (typeof index !== 'number') throw new Error(`@electron/fuses has no fuse named ${fuse}`);
    config[index] = enabled;
  }
  return config;
}
