import { afterAll, beforeAll } from 'vitest';
import { registerRouter, type RegisterRouter } from '../../src/main/core/requests/testing/register-router';
import { startPostgres, type PgCluster } from './postgres';
import { createTestCore, type TestCore } from './core';

/**
 * Officers sharing a team register on a throw-away PostgreSQL cluster: one database, one login per
 * officer (password `<login>-pw`), each officer's machine its own core with the same workspace.
 * Registers the cluster's start and teardown with the suite's hooks.
 */
export interface TeamOfficers {
  readonly cluster: PgCluster;
  readonly database: string;
  /** The database as its owner sees it (what `team.init` and direct SQL checks use). */
  adminUrl(): string;
  /** The database as an officer's login sees it. */
  url(login: string): string;
  /** A machine (a core with the Acme workspace) that initialises or joins the team at `databaseUrl`. */
  machine(databaseUrl: string, init?: boolean): Promise<RegisterRouter>;
}

export function useTeamOfficers(databaseName: string, logins: readonly string[]): TeamOfficers {
  let cluster: PgCluster | undefined;
  let database = '';
  const cores: TestCore[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
    database = await cluster.createDatabase(databaseName);
    for (const login of logins) await cluster.createLogin(login, `${login}-pw`);
  });
  afterAll(async () => {
    for (const c of cores) await c.dispose().catch(() => undefined);
    cluster?.destroy();
  });
  const started = (): PgCluster => {
    if (!cluster) throw new Error('the PostgreSQL cluster is not started (use it inside the suite)');
    return cluster;
  };
  return {
    get cluster() {
      return started();
    },
    get database() {
      return database;
    },
    adminUrl: () => started().adminUrl(database),
    url: (login) => started().url(login, `${login}-pw`, database),
    async machine(databaseUrl, init = false) {
      const ctx = await createTestCore();
      cores.push(ctx);
      const created = await ctx.call('workspaces.create', {
        name: 'Acme',
        address: { subdomain: 'acme' },
        email: 'dpo@acme.example',
        apiToken: 'abcdefgh12345678',
      });
      if (!created.ok) throw new Error(created.error.message);
      await ctx.call('settings.set', { timeZone: 'Europe/Berlin', organizationName: 'Acme Ltd' });
      const r = await ctx.call(init ? 'team.init' : 'team.join', { databaseUrl });
      if (!r.ok) throw new Error(r.error.message);
      return registerRouter(ctx.core.services);
    },
  };
}
