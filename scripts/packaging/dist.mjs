#!/usr/bin/env node
// `npm run dist`: the installers for the system this runs on, in dist/ (README "The desktop app").
//  1. electron-vite build            the app (out/)
//  2. scripts/electron-native.mjs    the Electron build of the SQLite addon, beside the Node build
//  3. electron-builder               package, flip fuses (afterPack), sign if configured, installers
// Steps 2 and 3 download Electron's headers and binary: they need a machine with internet access
// (the hosted CI runners of .github/workflows/desktop.yml), and fail with their own message where
// that is missing. Extra arguments go to electron-builder (e.g. `npm run dist -- --dir`).
import { spawnSync } from 'node:child_process';
import { signingPlan } from './signing.mjs';

const shell = process.platform === 'win32';

function step(label, command, args, env = process.env) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env, shell });
  if (result.status !== 0) {
    console.error(`\nnpm run dist stopped: ${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

const plan = signingPlan(process.platform, process.env);
console.log('Signing and notarisation (from the environment only):');
for (const message of plan.messages) console.log(`  - ${message}`);
if (plan.errors.length > 0) {
  for (const error of plan.errors) console.error(`  ! ${error}`);
  console.error('npm run dist stopped before building: fix the signing variables above or unset them.');
  process.exit(1);
}

step('build the app', 'npx', ['electron-vite', 'build']);
step('Electron build of the SQLite addon', 'node', ['scripts/electron-native.mjs']);
step('installers', 'npx', ['electron-builder', '--publish', 'never', ...process.argv.slice(2)], { ...process.env, ...plan.env });
console.log('\nInstallers are in dist/.');
