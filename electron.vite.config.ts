import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { preloadConfig } from './electron.vite.preload';

const version = (JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { version: string }).version;
const define = { __LETHE_VERSION__: JSON.stringify(version) };

export default defineConfig({
  main: {
    define,
    build: {
      target: 'node20',
      outDir: 'out/main',
      rollupOptions: {
        // One bundle for the Electron entry and one for the Node faces (CLI, browser mode, simulator),
        // built from the same core so every face runs the same code.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
          'sync-worker': resolve(__dirname, 'src/main/core/sync/sync-worker.ts'),
          'page-fetcher': resolve(__dirname, 'src/main/core/sync/page-fetcher.ts'),
        },
      },
    },
  },
  // One CommonJS file with every dependency bundled: see electron.vite.preload.ts.
  preload: preloadConfig(__dirname),
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    define,
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
});
