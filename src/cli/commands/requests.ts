import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { auditOperations } from '../../shared/contract/groups/audit';
import { REQUEST_CHANNELS, REQUEST_STATUSES, type requestOperations } from '../../shared/contract/groups/requests';
import { REGULATIONS, REQUEST_TYPES } from '../../shared/deadlines';
import { writeFileAtomic } from '../../main/core/fs/atomic-write';
import { CliFailure, EXIT } from '../cli-error';
import { groupCall, withSession } from '../core-session';
import { formatTable, processOutput } from '../output';

/** The register's operations through the session's router, typed by their own contract groups. */
export const callRegister = groupCall<typeof requestOperations & typeof auditOperations>();

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a === value);
  if (!found) throw new CliFailure({ code: 'invalid_input', message: `${flag} must be one of ${allowed.join(', ')}` }, EXIT.usage);
  return found;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((v) => pick(v.trim(), allowed, flag) as T);
}

/** Writes an export to a file (atomically) or to standard output. */
export async function emitFile(content: string, output: string | undefined): Promise<void> {
  if (output === undefined) {
    process.stdout.write(content);
    return;
  }
  await writeFileAtomic(resolve(output), content);
}

export function registerRequestCommands(program: Command): void {
  const requests = program.command('requests').description('The register of data subject requests and their statutory deadlines');

  requests
    .command('list')
    .description('List requests with their due dates; unverified and closed ones only when asked')
    .option('--all', 'include unverified and closed requests')
    .option('--unverified', 'include unverified requests')
    .option('--closed', 'include closed requests')
    .option('--regulation <list>', `comma-separated: ${REGULATIONS.join(', ')}`)
    .option('--type <list>', `comma-separated: ${REQUEST_TYPES.join(', ')}`)
    .option('--status <list>', `comma-separated: ${REQUEST_STATUSES.join(', ')}`)
    .option('--owner <name>', 'only this owner ("" for unassigned)')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe requests list\n  lethe requests list --all --regulation GDPR,UK_GDPR --json\n  lethe requests list --status in_progress --owner Dana',
    )
    .action(
      async (opts: {
        all?: boolean;
        unverified?: boolean;
        closed?: boolean;
        regulation?: string;
        type?: string;
        status?: string;
        owner?: string;
        workspace?: string;
        json?: boolean;
      }) => {
        const out = processOutput(Boolean(opts.json));
        const regulation = list(opts.regulation, REGULATIONS, '--regulation');
        const type = list(opts.type, REQUEST_TYPES, '--type');
        const status = list(opts.status, REQUEST_STATUSES, '--status');
        await withSession(async (session) => {
          const result = await callRegister(session, 'requests.list', {
            ...(opts.workspace ? { workspaceId: opts.workspace } : {}),
            includeUnverified: Boolean(opts.all || opts.unverified),
            includeClosed: Boolean(opts.all || opts.closed),
            ...(regulation ? { regulation } : {}),
            ...(type ? { type } : {}),
            ...(status ? { status } : {}),
            ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
          });
          if (out.json) return out.out(JSON.stringify(result, null, 2));
          if (result.requests.length === 0) out.out('No requests match.');
          else
            out.out(
              formatTable(
                ['REFERENCE', 'ID', 'TYPE', 'REGULATION', 'STATUS', 'DUE', 'DAYS LEFT', 'OWNER'],
                result.requests.map((r) => [
                  r.reference,
                  r.id,
                  r.type,
                  r.regulation,
                  r.status,
                  `${r.deadlines?.due ?? '-'}${r.deadlines?.extended ? ' (ext.)' : ''}`,
                  r.dueIn ? `${r.dueIn.daysRemaining}${r.dueIn.urgency === 'overdue' ? ' OVERDUE' : ''}` : '-',
                  r.owner ?? '',
                ]),
              ),
            );
          if (result.hiddenUnverified > 0)
            out.err(`${result.hiddenUnverified} unverified request(s) hidden; add --unverified to see them.`);
        });
      },
    );

  requests
    .command('add')
    .description('Record a request received by any channel')
    .requiredOption('--type <type>', REQUEST_TYPES.join(', '))
    .requiredOption('--regulation <regulation>', REGULATIONS.join(', '))
    .option('--channel <channel>', REQUEST_CHANNELS.join(', '), 'email')
    .option('--received-at <instant>', 'ISO date-time with offset (default: now)')
    .option('--name <name>', "requester's name")
    .option('--email <email>', "requester's e-mail")
    .option('--phone <phone>', "requester's phone")
    .option('--owner <name>', 'who handles it')
    .option('--notes <text>', 'notes')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe requests add --type access --regulation GDPR --email ada@example.test --received-at 2025-03-01T09:30:00+01:00\n' +
        '  lethe requests add --type opt-out --regulation CCPA --channel web_form --name "Sam Sample" --json',
    )
    .action(
      async (opts: {
        type: string;
        regulation: string;
        channel: string;
        receivedAt?: string;
        name?: string;
        email?: string;
        phone?: string;
        owner?: string;
        notes?: string;
        workspace?: string;
        json?: boolean;
      }) => {
        const out = processOutput(Boolean(opts.json));
        const type = pick(opts.type, REQUEST_TYPES, '--type') ?? 'access';
        const regulation = pick(opts.regulation, REGULATIONS, '--regulation') ?? 'GDPR';
        const channel = pick(opts.channel, REQUEST_CHANNELS, '--channel') ?? 'email';
        await withSession(async (session) => {
          const created = await callRegister(session, 'requests.create', {
            ...(opts.workspace ? { workspaceId: opts.workspace } : {}),
            type,
            regulation,
            channel,
            receivedAt: opts.receivedAt ?? new Date().toISOString(),
            requester: {
              ...(opts.name ? { name: opts.name } : {}),
              ...(opts.email ? { email: opts.email } : {}),
              ...(opts.phone ? { phone: opts.phone } : {}),
            },
            ...(opts.owner ? { owner: opts.owner } : {}),
            ...(opts.notes ? { notes: opts.notes } : {}),
          });
          if (out.json) return out.out(JSON.stringify(created, null, 2));
          out.out(
            `Recorded ${created.reference} (${created.id}); due ${created.deadlines?.due ?? 'no statutory rule'}${created.deadlines ? ` (${created.deadlines.basis})` : ''}.`,
          );
        });
      },
    );

  requests
    .command('import')
    .description('Import requests from a CSV file; nothing is imported if any row is bad')
    .argument('<file>', 'CSV file with a header row')
    .option('--dry-run', 'check every row and report; import nothing')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nColumns: type, regulation, receivedAt (required); channel, requesterName, requesterEmail, requesterPhone, subjectId, owner, notes, status, statusReason, denialArticle, closedAt.\n\nExamples:\n  lethe requests import register.csv --dry-run\n  lethe requests import register.csv --json',
    )
    .action(async (file: string, opts: { dryRun?: boolean; workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      let csv: string;
      try {
        csv = await readFile(resolve(file), 'utf8');
      } catch {
        throw new CliFailure({ code: 'invalid_input', message: `Cannot read ${file}` }, EXIT.usage);
      }
      await withSession(async (session) => {
        const result = await callRegister(session, 'requests.importCsv', {
          ...(opts.workspace ? { workspaceId: opts.workspace } : {}),
          csv,
          dryRun: Boolean(opts.dryRun),
        });
        if (out.json) out.out(JSON.stringify(result, null, 2));
        else if (result.errors.length === 0)
          out.out(
            result.dryRun ? `All ${result.rows} rows are valid; nothing imported (dry run).` : `Imported ${result.imported} requests.`,
          );
        else
          out.out(
            formatTable(
              ['ROW', 'COLUMN', 'PROBLEM'],
              result.errors.map((e) => [String(e.row), e.column ?? '', e.message]),
            ),
          );
        if (result.errors.length > 0) {
          throw new CliFailure({ code: 'invalid_input', message: `${result.errors.length} problem(s) in ${file}; nothing was imported` });
        }
      });
    });

  requests
    .command('export')
    .description('Export the register as CSV or JSON (contact details included)')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--output <file>', 'write to this file instead of standard output')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe requests export --format csv --output register.csv\n  lethe requests export --format json | jq .count',
    )
    .action(async (opts: { format: string; output?: string; workspace?: string }) => {
      const format = pick(opts.format, ['csv', 'json'] as const, '--format') ?? 'csv';
      await withSession(async (session) => {
        const file = await callRegister(session, 'requests.export', { ...(opts.workspace ? { workspaceId: opts.workspace } : {}), format });
        await emitFile(file.content, opts.output);
        if (opts.output) process.stderr.write(`Wrote ${file.count} requests to ${opts.output}\n`);
      });
    });
}
