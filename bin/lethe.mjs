#!/usr/bin/env node
// The lethe command: the built CLI bundle (npm run build produces it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('error [not_found]: lethe is not built yet; run npm run build\n');
  process.exit(1);
}
await import(bundle);
