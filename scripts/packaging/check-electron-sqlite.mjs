// Run with Electron as Node (desktop.yml): `ELECTRON_RUN_AS_NODE=1 npx electron <this file>`.
// Proves the Electron build of the SQLite addon (docs/native-modules.md) loads in this Electron's
// ABI and encrypts: writes a keyed database, then reads it back with the key and fails without it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';

const require = createRequire(import.meta.url);

const binding = join(
  dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json')),
  'build-electron',
  'Release',
  'better_sqlite3.node',
);
console.log(`Electron ${process.versions.electron}, NODE_MODULE_VERSION ${process.versions.modules}: ${binding}`);
if (!process.versions.electron) throw new Error('run this with ELECTRON_RUN_AS_NODE=1 electron, not node');

const dir = mkdtempSync(join(tmpdir(), 'lethe-electron-sqlite-'));
try {
  const file = join(dir, 'check.db');
  const db = new Database(file, { nativeBinding: binding });
  db.pragma(`key = 'electron-check'`);
  db.exec('create table t (v text)');
  db.prepare('insert into t values (?)').run('sealed');
  db.close();

  const reopened = new Database(file, { nativeBinding: binding });
  reopened.pragma(`key = 'electron-check'`);
  const row = reopened.prepare('select v from t').get();
  reopened.close();
  if (!row || row.v !== 'sealed') throw new Error(`read back ${JSON.stringify(row)}`);

  const locked = new Database(file, { nativeBinding: binding });
  let refused = false;
  try {
    locked.prepare('select v from t').get();
  } catch {
    refused = true;
  }
  locked.close();
  if (!refused) throw new Error('the database opened without its key: it is not encrypted');
  console.log('The Electron build of the SQLite addon loads, encrypts and reads back.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
