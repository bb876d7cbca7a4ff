import type { requestOperations } from '../../../shared/contract/groups/requests';
import { LetheError } from '../../../shared/errors';
import { appendAuditRow, listAuditEntries } from '../audit/audit-log';
import type { CoreServices, DomainHandlers } from '../services';
import { planImport } from './csv-import';
import { registerDashboard } from './dashboard-items';
import { defaultActor } from './register-store';
import { readRegisterSettings, registerSettingsChange, writeRegisterSettings } from './register-settings';
import { requestsToCsv, requestsToJson } from './register-export';
import { insertRequest, RequestService } from './request-service';
import { applyRetention } from './retention';
import { holidayCalendarChoices } from './holiday-calendars';
import { letterFor } from './letter-for';
import { withTeamRouting } from '../team/team-routing';

export function createRequestHandlers(s: CoreServices): DomainHandlers<typeof requestOperations> {
  // A workspace in team mode keeps its register in PostgreSQL (../team); the local store otherwise.
  return withTeamRouting(s, createLocalRequestHandlers(s));
}

function createLocalRequestHandlers(s: CoreServices): DomainHandlers<typeof requestOperations> {
  const service = new RequestService(s);
  return {
    'requests.list': (input) => service.list(input),
    'requests.get': async (input) => {
      const { request, db } = await service.get(input);
      const timeline = listAuditEntries(db, { requestId: request.id, limit: 1000 }).entries.reverse();
      return { request, timeline };
    },
    'requests.create': (input) => service.create(input),
    'requests.update': (input) => service.update(input),
    'requests.verify': (input) => service.verify(input),
    'requests.setStatus': (input) => service.setStatus(input),
    'requests.extend': (input) => service.extend(input),
    'requests.link': (input) => service.link(input),
    'requests.bulkUpdate': (input) => service.bulkUpdate(input),
    'requests.importCsv': async (input) => {
      const ctx = await service.context(input.workspaceId);
      const { timeZone } = (await s.config.read()).settings;
      const plan = planImport(input.csv, timeZone);
      if (input.dryRun || plan.errors.length > 0) {
        return { dryRun: input.dryRun, rows: plan.rows, errors: plan.errors, imported: 0, ids: [] };
      }
      const actor = input.actor ?? defaultActor();
      const at = new Date().toISOString();
      // One transaction: a failure on any row (the audit guard, a constraint) imports none of them.
      const ids = ctx.db
        .transaction(() => {
          const created = plan.requests.map((r) => insertRequest(ctx, r, { actor, at, source: 'csv_import' }));
          appendAuditRow(ctx.db, ctx.auditKey, { actor, action: 'register.imported', at, data: { rows: created.length } });
          return created;
        })
        .immediate();
      return { dryRun: false, rows: plan.rows, errors: [], imported: ids.length, ids };
    },
    'requests.export': async (input) => {
      const ctx = await service.context(input.workspaceId);
      const exportedAt = new Date().toISOString();
      const wanted = input.ids ? new Set(input.ids) : null;
      const requests = service.all(ctx.db, exportedAt).filter((r) => wanted === null || wanted.has(r.id));
      // The export carries contact details out of the encrypted store: that itself is recorded.
      ctx.db
        .transaction(() =>
          appendAuditRow(ctx.db, ctx.auditKey, {
            actor: input.actor ?? defaultActor(),
            action: 'register.exported',
            at: exportedAt,
            data: { format: input.format, count: requests.length, selection: wanted === null ? 'all' : 'selected' },
          }),
        )
        .immediate();
      const stamp = exportedAt.slice(0, 10);
      return input.format === 'csv'
        ? { fileName: `request-register-${stamp}.csv`, mediaType: 'text/csv', content: requestsToCsv(requests), count: requests.length }
        : {
            fileName: `request-register-${stamp}.json`,
            mediaType: 'application/json',
            content: requestsToJson(requests, { exportedAt, workspaceId: ctx.workspaceId }),
            count: requests.length,
          };
    },
    'requests.dashboard': async (input) => {
      const ctx = await service.context(input.workspaceId);
      const asOf = input.asOf ?? new Date().toISOString();
      const { timeZone } = (await s.config.read()).settings;
      return registerDashboard(ctx.db, readRegisterSettings(ctx.db).deadlines, asOf, timeZone, input.weeks ?? 12);
    },
    'requests.letter': async (input) => {
      const ctx = await service.context(input.workspaceId);
      const { request } = await service.get({ id: input.id, workspaceId: ctx.workspaceId, asOf: input.asOf });
      const letter = letterFor(request, input.template, (await s.config.read()).settings, input.asOf);
      ctx.db
        .transaction(() =>
          appendAuditRow(ctx.db, ctx.auditKey, {
            actor: input.actor ?? defaultActor(),
            action: 'letter.generated',
            requestId: request.id,
            data: { template: input.template },
          }),
        )
        .immediate();
      return letter;
    },
    'requests.getSettings': async (input) => {
      const ctx = await service.context(input.workspaceId);
      return readRegisterSettings(ctx.db);
    },
    'requests.holidayCalendars': async (input) => {
      // Per workspace like every register operation, though today only the organisation's zone matters.
      await service.context(input.workspaceId);
      const { timeZone } = (await s.config.read()).settings;
      return holidayCalendarChoices(timeZone);
    },
    'requests.setSettings': async (input) => {
      if (input.deadlines === undefined && input.retention === undefined)
        throw new LetheError('invalid_input', 'Give deadlines, retention or both');
      const ctx = await service.context(input.workspaceId);
      return ctx.db
        .transaction(() => {
          const { after, changed } = registerSettingsChange(readRegisterSettings(ctx.db), input);
          if (changed.length === 0) return after;
          writeRegisterSettings(ctx.db, after);
          appendAuditRow(ctx.db, ctx.auditKey, {
            actor: input.actor ?? defaultActor(),
            action: 'settings.changed',
            data: { section: 'register', changed: changed.slice(0, 50), retention: after.retention },
          });
          return after;
        })
        .immediate();
    },
    'requests.applyRetention': async (input) => {
      const ctx = await service.context(input.workspaceId);
      const settings = readRegisterSettings(ctx.db);
      const outcome = applyRetention(
        ctx,
        settings.retention,
        input.asOf ?? new Date().toISOString(),
        input.dryRun,
        input.actor ?? defaultActor(),
      );
      return { dryRun: input.dryRun, ...outcome };
    },
  };
}
