import type { Command } from 'commander';
import type { TeamStatus, teamOperations } from '../../shared/contract/groups/team';
import { CliFailure } from '../cli-error';
import { groupCall, withSession } from '../core-session';
import { processOutput } from '../output';

const callTeam = groupCall<typeof teamOperations>();

/** The password apart from the URL, so it stays out of the shell's history and `ps`. */
const passwordFromEnvironment = (): { password?: string } =>
  process.env.LETHE_TEAM_PASSWORD ? { password: process.env.LETHE_TEAM_PASSWORD } : {};

function describeStatus(s: TeamStatus): string {
  const lines = [s.message];
  if (s.mode === 'team') {
    lines.push(`workspace  ${s.workspaceId}`, `database   ${s.where ?? ''}`, `role       ${s.role ?? ''}`);
    lines.push(`schema     ${s.schemaVersion ?? 'unknown (not reachable)'}`, `since      ${s.since ?? ''} (${s.via ?? ''})`);
  }
  return lines.join('\n');
}

export function registerTeamCommands(program: Command): void {
  const team = program
    .command('team')
    .description("Team mode: share the register, audit chain and journal in a team's PostgreSQL (see README, Team mode)");
  const ws = '--workspace <id>';
  const wsHelp = 'workspace id (default: the active one)';

  team
    .command('init')
    .description("Create or migrate the team schema and move this machine's register, audit chain and journal into it")
    .requiredOption('--database-url <url>', 'postgres://ROLE@HOST:PORT/DATABASE (an owner role; the password in LETHE_TEAM_PASSWORD)')
    .option(ws, wsHelp)
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  LETHE_TEAM_PASSWORD=… lethe team init --database-url postgres://lethe_owner@db.example.org/lethe')
    .action(async (opts: { databaseUrl: string; workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const result = await callTeam(session, 'team.init', {
          databaseUrl: opts.databaseUrl,
          ...passwordFromEnvironment(),
          ...(opts.workspace ? { workspaceId: opts.workspace } : {}),
        });
        if (out.json) return out.out(JSON.stringify(result, null, 2));
        const m = result.migration;
        out.out(
          m.applied.length > 0
            ? `Schema migrated from version ${m.from} to ${m.to} (${m.applied.join(', ')}).`
            : `Schema at version ${m.to}.`,
        );
        const moved = result.moved;
        out.out(
          moved.imported
            ? `Moved ${moved.requests} requests, ${moved.entries} audit entries and ${moved.runs} journal runs; the chain verifies, head ${moved.head?.seq} ${moved.head?.hash ?? ''}.`
            : 'This workspace was already moved into that database; nothing was copied again.',
        );
        out.out(describeStatus(result.status));
      });
    });

  team
    .command('join')
    .description('Connect this machine to a team database, as your own PostgreSQL role')
    .requiredOption('--database-url <url>', 'postgres://YOUR_ROLE@HOST:PORT/DATABASE (the password in LETHE_TEAM_PASSWORD)')
    .option(ws, wsHelp)
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  LETHE_TEAM_PASSWORD=… lethe team join --database-url postgres://dana@db.example.org/lethe')
    .action(async (opts: { databaseUrl: string; workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const status = await callTeam(session, 'team.join', {
          databaseUrl: opts.databaseUrl,
          ...passwordFromEnvironment(),
          ...(opts.workspace ? { workspaceId: opts.workspace } : {}),
        });
        out.out(out.json ? JSON.stringify(status, null, 2) : describeStatus(status));
      });
    });

  team
    .command('status')
    .description('Say where the shared state of the workspace lives and whether the team database answers')
    .option(ws, wsHelp)
    .option('--json', 'print one JSON document')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const status = await callTeam(session, 'team.status', opts.workspace ? { workspaceId: opts.workspace } : {});
        out.out(out.json ? JSON.stringify(status, null, 2) : describeStatus(status));
        if (status.mode === 'team' && status.reachable === false) {
          throw new CliFailure({ code: 'team_unreachable', message: status.message });
        }
      });
    });

  team
    .command('leave')
    .description('Stop using the team database on this machine (the database itself is not changed)')
    .option(ws, wsHelp)
    .action(async (opts: { workspace?: string }) => {
      await withSession(async (session) => {
        const status = await callTeam(session, 'team.leave', opts.workspace ? { workspaceId: opts.workspace } : {});
        processOutput(false).out(describeStatus(status));
      });
    });
}
