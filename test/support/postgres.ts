import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A real, throw-away PostgreSQL cluster for the team-mode tests: initdb into a temporary directory,
 * listening on a free loopback port and a unix socket in that directory, stopped and deleted after.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as the `postgres`
 * account Debian's package creates (through runuser), with its directory handed to that account.
 * Debian's binaries live under /usr/lib/postgresql/<major>/bin, which is not on the PATH.
 */

const SUPERUSER = 'lethe_admin';
const SUPERUSER_PASSWORD = 'admin-secret-for-tests';

function binDir(): string {
  if (process.env.LETHE_PG_BIN) return process.env.LETHE_PG_BIN;
  const found = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1'], { encoding: 'utf8' });
  const dir = found.stdout.trim();
  if (dir === '') throw new Error('PostgreSQL server binaries not found: install Debian\'s "postgresql" package (see .ci/run)');
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a server binary, as `postgres` when we are root. */
function run(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

export interface PgCluster {
  host: string;
  port: number;
  /** Connection string of the cluster's superuser, for set-up and for the owner of the schema. */
  adminUrl(database?: string): string;
  /** Connection string for any role and password, on the loopback port. */
  url(user: string, password: string, database?: string): string;
  /** Runs SQL as the superuser (roles, databases). */
  admin(sql: string, database?: string): Promise<void>;
  /** Creates a fresh database owned by the superuser; returns its name. */
  createDatabase(prefix?: string): Promise<string>;
  /** Creates a login role with a password, member of the given group roles. */
  createLogin(name: string, password: string, memberOf?: readonly string[]): Promise<void>;
  /** Adds a pg_hba line (before the others) and reloads the server. */
  addHbaFirst(line: string): void;
  /** Stops the server (fast) without deleting anything: to test "the database went away". */
  stop(): void;
  /** Starts it again on the same port. */
  start(): void;
  /** Stops the server and deletes its directory. */
  destroy(): void;
}

let databaseCounter = 0;

export async function startPostgres(): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'lethe-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, SUPERUSER_PASSWORD);
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  run(join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  const host = '127.0.0.1';
  const log = join(dir, 'server.log');
  const options = `-p ${port} -k ${dir} -c listen_addresses=${host} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const pgCtl = join(bin, 'pg_ctl');
  const start = (): void => run(pgCtl, ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
  const stop = (): void => run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  let running = true;

  const url = (user: string, password: string, database = 'postgres'): string =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
  const adminUrl = (database = 'postgres'): string => url(SUPERUSER, SUPERUSER_PASSWORD, database);
  const admin = async (sql: string, database = 'postgres'): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl(database) });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  return {
    host,
    port,
    adminUrl,
    url,
    admin,
    async createDatabase(prefix = 'lethe') {
      databaseCounter += 1;
      const name = `${prefix}_${process.pid}_${databaseCounter}`;
      await admin(`CREATE DATABASE ${name}`);
      return name;
    },
    async createLogin(name, password, memberOf = []) {
      const escaped = password.replace(/'/g, "''");
      await admin(`CREATE ROLE ${name} LOGIN PASSWORD '${escaped}'`);
      for (const group of memberOf) await admin(`GRANT ${group} TO ${name}`);
    },
    addHbaFirst(line) {
      const hba = join(data, 'pg_hba.conf');
      // Lines are matched top to bottom; written as the server's owner so it can read them.
      const current = execFileSync('cat', [hba], { encoding: 'utf8' });
      writeFileSync(hba, `${line}\n${current}`);
      if (isRoot()) {
        const { uid, gid } = postgresIds();
        chownSync(hba, uid, gid);
      }
      run(pgCtl, ['-D', data, 'reload']);
    },
    stop() {
      if (running) stop();
      running = false;
    },
    start() {
      if (!running) start();
      running = true;
    },
    destroy() {
      try {
        if (running) stop();
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
