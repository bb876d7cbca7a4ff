import pg from 'pg';
import { z } from 'zod';
import { LetheError } from '../../../shared/errors';
import { registerSecret } from '../log/logger';
import { toTeamError } from './pg-errors';

/**
 * Where a team's shared state lives, parsed from a `postgres://` URL. The password is split off
 * at once: it goes to the OS keychain and to the pool, never into a file or a log line.
 */
export interface TeamTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** disable (loopback tests, unix sockets) | require | verify-full. */
  sslmode: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
}

const targetSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    database: z.string().min(1).max(63),
    user: z.string().min(1).max(63),
    sslmode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']),
  })
  .strict();
export { targetSchema as teamTargetSchema };

export function parseDatabaseUrl(raw: string): { target: TeamTarget; password: string | null } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LetheError('invalid_input', 'The database URL is not a URL; expected postgres://ROLE@HOST:PORT/DATABASE');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new LetheError('invalid_input', 'The database URL must start with postgres:// or postgresql://');
  }
  const sslmode = url.searchParams.get('sslmode') ?? (isLoopback(url.hostname) ? 'disable' : 'verify-full');
  const parsed = targetSchema.safeParse({
    host: decodeURIComponent(url.hostname),
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    user: decodeURIComponent(url.username),
    sslmode,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LetheError(
      'invalid_input',
      `The database URL is incomplete: ${issue?.path.join('.') ?? 'value'} ${issue?.message ?? ''}`.trim(),
    );
  }
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  if (password) registerSecret(password);
  return { target: parsed.data, password };
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';

/** For messages and `team status`: where, and as whom, never the password. */
export function describeTarget(t: TeamTarget): string {
  return `postgres://${t.user}@${t.host}:${t.port}/${t.database}${t.sslmode === 'disable' ? '' : ` (sslmode=${t.sslmode})`}`;
}

function sslOption(mode: TeamTarget['sslmode']): pg.ClientConfig['ssl'] {
  if (mode === 'disable') return false;
  // require/prefer encrypt without checking the certificate (libpq's meaning); verify-* check it.
  if (mode === 'require' || mode === 'prefer') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true };
}

export function clientConfig(t: TeamTarget, password: string | null): pg.PoolConfig {
  return {
    host: t.host,
    port: t.port,
    database: t.database,
    user: t.user,
    ...(password !== null ? { password } : {}),
    ssl: sslOption(t.sslmode),
    connectionTimeoutMillis: 5_000,
    application_name: 'lethe',
    max: 4,
  };
}

export interface TeamPool {
  readonly target: TeamTarget;
  readonly pool: pg.Pool;
  /** Runs `work` on one client, mapping every failure to a LetheError. */
  withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction (BEGIN … COMMIT, ROLLBACK on any failure). */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function openTeamPool(target: TeamTarget, password: string | null): TeamPool {
  const config = clientConfig(target, password);
  const fresh = (): pg.Pool => {
    const p = new pg.Pool(config);
    // An idle client whose server went away must not crash the process.
    p.on('error', () => undefined);
    return p;
  };
  let pool = fresh();
  // Once the server was lost, every idle client may be dead even after it is back: start over with
  // a new pool rather than hand out a stale connection that fails the next call.
  const discard = (): void => {
    const old = pool;
    pool = fresh();
    void old.end().catch(() => undefined);
  };
  const where = `the team database ${target.database}`;
  const withClient = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      const mapped = toTeamError(error, where);
      if (mapped.code === 'team_unreachable') discard();
      throw mapped;
    }
    let broken = false;
    try {
      return await work(client);
    } catch (error) {
      const mapped = toTeamError(error, where);
      broken = mapped.code === 'team_unreachable';
      throw mapped;
    } finally {
      client.release(broken);
      if (broken) discard();
    }
  };
  return {
    target,
    get pool() {
      return pool;
    },
    withClient,
    transaction: (work) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const out = await work(client);
          await client.query('COMMIT');
          return out;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    close: () => pool.end(),
  };
}
