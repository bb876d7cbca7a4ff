#!/usr/bin/env node
// Before `npm start`: make sure the Electron build of the SQLite addon sits beside the Node build
// (docs/native-modules.md). Builds it once, in a scratch copy, so build/Release (the Node build
// that tests, the CLI and browser mode load) is never overwritten. Needs Electron's headers, so it
// runs on a machine with internet access; it does nothing when the build is already there.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
const target = join(pkgDir, 'build-electron', 'Release', 'better_sqlite3.node');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const stamp = join(pkgDir, 'build-electron', 'electron-version');

/**
 * An Electron build must be refused by this Node with an ABI message; one that loads here was
 * compiled against Node's headers, whatever node-gyp was asked for.
 */
function refusedByNode(file) {
  const probe = spawnSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(file)})`], { encoding: 'utf8' });
  return { refused: probe.status !== 0 && /NODE_MODULE_VERSION/.test(probe.stderr), stderr: probe.stderr.trim() };
}

if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === electronVersion) {
  if (refusedByNode(target).refused) process.exit(0);
  console.log(`${target} loads in Node: it is not an Electron build; removing it and rebuilding.`);
  rmSync(dirname(stamp), { recursive: true, force: true });
}

console.log(`Building the SQLite addon for Electron ${electronVersion} (once; the Node build stays as it is)…`);
const scratch = mkdtempSync(join(tmpdir(), 'lethe-electron-sqlite-'));
try {
  cpSync(pkgDir, scratch, { recursive: true, filter: (src) => !src.includes(`${pkgDir}/build`) });
  const result = spawnSync(
    'npx',
    [
      '--yes',
      'node-gyp@11',
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    {
      cwd: scratch,
      stdio: 'inherit',
      // npx is npx.cmd on Windows, which only a shell resolves.
      shell: process.platform === 'win32',
      // A `nodedir` in npm's config (this project's machines set nodedir=/usr so that installs
      // compile offline against the system Node's headers) reaches node-gyp as
      // npm_config_nodedir and silently wins over --target/--dist-url: the result would be a Node
      // build stamped as Electron's. node-gyp lets npm_package_config_node_gyp_* override npm's
      // config, and npx does not reset it: an empty one clears nodedir, so node-gyp fetches
      // Electron's headers.
      env: { ...process.env, npm_package_config_node_gyp_nodedir: '' },
    },
  );
  if (result.status !== 0) {
    console.error('The Electron build of the SQLite addon failed: Electron headers need internet access (see docs/native-modules.md).');
    process.exit(1);
  }
  const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
  const probe = refusedByNode(built);
  if (!probe.refused) {
    console.error(
      `The addon built for Electron ${electronVersion} loads in Node ${process.version}: it was compiled against Node's headers, not Electron's.`,
    );
    if (probe.stderr) console.error(probe.stderr);
    process.exitCode = 1;
  } else {
    mkdirSync(dirname(target), { recursive: true });
    cpSync(built, target);
    writeFileSync(stamp, `${electronVersion}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
