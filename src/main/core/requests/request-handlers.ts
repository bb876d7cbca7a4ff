import type { requestOperations } from '../../../shared/contract/groups/requests';
import { RegisterSettings } from '../../../shared/contract/groups/requests';
import { localDateOf } from '../../../shared/deadlines';
import { LetheError } from '../../../shared/errors';
import { renderLetter } from '../../../shared/letters';
import { appendAuditRow, listAuditEntries } from '../audit/audit-log';
import type { CoreServices, DomainHandlers } from '../services';
import { planImport } from './csv-import';
import { computeDashboard } from './dashboard';
import { defaultActor } from './register-store';
import { readRegisterSettings, writeRegisterSettings } from './register-settings';
import { requestsToCsv, requestsToJson } from './register-export';
import { insertRequest, RequestService } from './request-service';
import { applyRetention } from './retention';
import { holidayCalendarChoices } from './holiday-calendars';
import { withTeamRouting } from '../team/team-routing';

const TYPE_WORDS: Record<string, string> = {
  access: 'access',
  portability: 'data portability',
  erasure: 'erasure (deletion)',
  rectification: 'rectification (correction)',
  restriction: 'restriction of processing',
  objection: 'objection',
  'opt-out': 'opt-out',
};

/** Dotted paths whose values differ, so a settings change is logged as what changed, not as a copy. */
function changedPaths(before: unknown, after: unknown, prefix: string): string[] {
  if (typeof before === 'object' && before !== null && typeof after === 'object' && after !== null && !Array.isArray(before)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) =>
      changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], `${prefix}.${k}`),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

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
      return computeDashboard(service.all(ctx.db, asOf), asOf, timeZone, input.weeks ?? 12);
    },
    'requests.letter': async (input) => {
      const ctx = await service.context(input.workspaceId);
      const { request } = await service.get({ id: input.id, workspaceId: ctx.workspaceId, asOf: input.asOf });
      const { organizationName, timeZone } = (await s.config.read()).settings;
      const today = localDateOf(input.asOf ?? new Date().toISOString(), timeZone);
      const letter = renderLetter(input.template, {
        organizationName: organizationName || null,
        requesterName: request.requester.name,
        reference: request.reference,
        requestType: TYPE_WORDS[request.type] ?? request.type,
        regulation: request.regulation,
        receivedOn: request.deadlines?.receivedOn ?? localDateOf(request.receivedAt, request.timeZone),
        dueOn: request.deadlines?.initialDue ?? null,
        extendedDueOn: request.deadlines?.extendedDue ?? null,
        extensionReason: request.extension?.reason ?? null,
        denialReason: request.status === 'denied' ? request.statusReason : null,
        denialArticle: request.status === 'denied' ? request.denialArticle : null,
        today,
        basis: request.deadlines?.basis ?? null,
      });
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
      return { template: input.template, ...letter, fileBase: `${request.reference}-${input.template}` };
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
          const before = readRegisterSettings(ctx.db);
          const after = RegisterSettings.parse({
            deadlines: input.deadlines ?? before.deadlines,
            retention: input.retention ?? before.retention,
          });
          const changed = [
            ...changedPaths(before.deadlines, after.deadlines, 'deadlines'),
            ...changedPaths(before.retention, after.retention, 'retention'),
          ];
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
