import type pg from 'pg';
import type { z } from 'zod';
import { RegisterSettings, type requestOperations } from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { planImport } from '../requests/csv-import';
import { extendedAuditData, extendedDeadlines, verificationOf } from '../requests/request-rows';
import { registerSettingsChange } from '../requests/register-settings';
import { letterFor } from '../requests/letter-for';
import { requestsToCsv, requestsToJson } from '../requests/register-export';
import type { CoreServices } from '../services';
import { appendTeamAudit, appendTeamAuditAlone, lockChain } from './team-audit';
import type { TeamRequest } from './team-register';
import type { TeamSession } from './team-session';

type In<K extends keyof typeof requestOperations> = z.output<(typeof requestOperations)[K]['input']>;

/**
 * The register's other operations in team mode: verification, extension, bulk updates, the CSV
 * import and export, letters and the register settings. Each is one transaction that takes the
 * chain's lock first, so the change and its audit entry (actor: `current_user`) commit together;
 * a change to one request names the version it produces, and one made against a stale version
 * (`expectedVersion`) is a conflict saying who changed what.
 */

const nowIso = (): string => new Date().toISOString();

/** The request locked at the version the caller read, or at its current one when the caller names none. */
async function lockRequest(session: TeamSession, client: pg.ClientBase, id: string, expectedVersion?: number) {
  if (expectedVersion !== undefined) return session.register.lockAt(client, id, expectedVersion);
  await lockChain(client);
  const r = await client.query<{ version: number }>('SELECT version FROM lethe.requests WHERE id = $1 FOR UPDATE', [id]);
  const version = r.rows[0]?.version;
  if (version === undefined) throw new LetheError('not_found', `No request ${id}`);
  return session.register.lockAt(client, id, version);
}

export function teamRegisterOps(s: CoreServices, session: TeamSession) {
  const { pool, register, auditKey } = session;
  return {
    verify(input: In<'requests.verify'> & { expectedVersion?: number | undefined }): Promise<TeamRequest> {
      return pool.transaction(async (client) => {
        const row = await lockRequest(session, client, input.id, input.expectedVersion);
        const at = nowIso();
        const { verification, auditData } = verificationOf(row, input, at);
        // Logged first: the guard refuses data-point "names" that are really an e-mail or phone number.
        await appendTeamAudit(
          client,
          auditKey,
          { actor: 'database', action: 'request.verified', requestId: row.id, at, data: { ...auditData, version: row.version + 1 } },
          { locked: true },
        );
        await client.query('UPDATE lethe.requests SET verification = $1, updated_at = $2 WHERE id = $3', [
          JSON.stringify(verification),
          at,
          row.id,
        ]);
        return register.read(client, row.id);
      });
    },

    extend(input: In<'requests.extend'> & { expectedVersion?: number | undefined }): Promise<TeamRequest> {
      return pool.transaction(async (client) => {
        const row = await lockRequest(session, client, input.id, input.expectedVersion);
        const d = extendedDeadlines(row, (await register.settingsIn(client)).deadlines, input.noticeAt);
        const at = nowIso();
        const extension = { reason: input.reason, noticeAt: input.noticeAt ?? null, extendedAt: at };
        await client.query('UPDATE lethe.requests SET extension = $1, updated_at = $2 WHERE id = $3', [
          JSON.stringify(extension),
          at,
          row.id,
        ]);
        await appendTeamAudit(
          client,
          auditKey,
          {
            actor: 'database',
            action: 'request.extended',
            requestId: row.id,
            at,
            data: { ...extendedAuditData(d, extension.noticeAt), version: row.version + 1 },
          },
          { locked: true },
        );
        return register.read(client, row.id);
      });
    },

    /**
     * All or none: one request that cannot change (a closed one that cannot close again), or one
     * changed since the version the selection named, leaves every one as it was.
     */
    bulkUpdate(input: In<'requests.bulkUpdate'>): Promise<{ updated: number }> {
      if (input.owner === undefined && input.status === undefined) throw new LetheError('invalid_input', 'Give an owner, a status or both');
      return pool.transaction(async (client) => {
        let updated = 0;
        for (const id of new Set(input.ids)) {
          const before = await lockRequest(session, client, id, input.expectedVersions?.[id]);
          let now = before.version;
          if (input.owner !== undefined) now = (await register.updateIn(client, id, now, { owner: input.owner }, true)).version;
          if (input.status !== undefined) now = (await register.setStatusIn(client, id, now, { status: input.status })).version;
          if (now !== before.version) updated += 1;
        }
        return { updated };
      });
    },

    async importCsv(input: In<'requests.importCsv'>) {
      const { timeZone } = (await s.config.read()).settings;
      const plan = planImport(input.csv, timeZone);
      if (input.dryRun || plan.errors.length > 0) {
        return { dryRun: input.dryRun, rows: plan.rows, errors: plan.errors, imported: 0, ids: [] };
      }
      // One transaction: a failure on any row imports none of them.
      const ids = await pool.transaction(async (client) => {
        const created: string[] = [];
        for (const r of plan.requests) created.push((await register.createIn(client, r, 'csv_import')).id);
        await appendTeamAudit(client, auditKey, { actor: 'database', action: 'register.imported', data: { rows: created.length } });
        return created;
      });
      return { dryRun: false, rows: plan.rows, errors: [], imported: ids.length, ids };
    },

    async export(input: In<'requests.export'>) {
      const exportedAt = nowIso();
      const wanted = input.ids ? new Set(input.ids) : null;
      const requests = (await register.list(exportedAt)).filter((r) => wanted === null || wanted.has(r.id));
      // The export carries contact details out of the team database: that itself is recorded.
      await appendTeamAuditAlone(pool, auditKey, {
        actor: 'database',
        action: 'register.exported',
        at: exportedAt,
        data: { format: input.format, count: requests.length, selection: wanted === null ? 'all' : 'selected' },
      });
      const stamp = exportedAt.slice(0, 10);
      return input.format === 'csv'
        ? { fileName: `request-register-${stamp}.csv`, mediaType: 'text/csv', content: requestsToCsv(requests), count: requests.length }
        : {
            fileName: `request-register-${stamp}.json`,
            mediaType: 'application/json',
            content: requestsToJson(requests, { exportedAt, workspaceId: session.workspaceId }),
            count: requests.length,
          };
    },

    async letter(input: In<'requests.letter'>) {
      const request = await register.get(input.id, input.asOf);
      const letter = letterFor(request, input.template, (await s.config.read()).settings, input.asOf);
      await appendTeamAuditAlone(pool, auditKey, {
        actor: 'database',
        action: 'letter.generated',
        requestId: request.id,
        data: { template: input.template },
      });
      return letter;
    },

    setSettings(input: In<'requests.setSettings'>): Promise<RegisterSettings> {
      if (input.deadlines === undefined && input.retention === undefined)
        throw new LetheError('invalid_input', 'Give deadlines, retention or both');
      return pool.transaction(async (client) => {
        await lockChain(client);
        const { after, changed } = registerSettingsChange(await register.settingsIn(client), input);
        if (changed.length === 0) return after;
        await client.query(
          `INSERT INTO lethe.register_settings (key, value) VALUES ('register', $1)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = current_user`,
          [JSON.stringify(after)],
        );
        await appendTeamAudit(
          client,
          auditKey,
          {
            actor: 'database',
            action: 'settings.changed',
            data: { section: 'register', changed: changed.slice(0, 50), retention: after.retention },
          },
          { locked: true },
        );
        return after;
      });
    },
  };
}
