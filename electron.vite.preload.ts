import { resolve } from 'node:path';
import type { PreloadViteConfig } from 'electron-vite';

/**
 * Preload build settings for the lead to merge into electron.vite.config.ts as
 * `preload: preloadConfig(__dirname)`.
 *
 * A sandboxed preload can only `require` electron, events, timers and url, and cannot be ESM.
 * So: one CommonJS file (out/preload/index.cjs, the path the shell loads), with every dependency
 * bundled in. `externalizeDeps: false` is the important line: electron-vite externalises
 * package.json `dependencies` by default, which turns the contract's `import 'zod'` into
 * `require("zod")` and the preload then fails to load in the sandbox (window.lethe missing).
 * src/main/shell/preload-bundle.test.ts builds with exactly this config and loads the result with
 * only `electron` requirable.
 */
export function preloadConfig(root: string, outDir: string = resolve(root, 'out/preload')): PreloadViteConfig {
  return {
    build: {
      outDir,
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  };
}
