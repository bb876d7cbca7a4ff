import { Command, CommanderError } from 'commander';
import { LETHE_VERSION } from '../main/core/version';
import { isLetheError } from '../shared/errors';
import { CliFailure, EXIT } from './cli-error';
import { formatError, processOutput } from './output';
import { registerArchiveCommands } from './commands/archive';
import { registerAuditCommands } from './commands/audit';
import { registerBackupCommands } from './commands/backup';
import { registerEraseCommands } from './commands/erase';
import { registerRequestCommands } from './commands/requests';
import { registerServeCommand } from './commands/serve';
import { registerSettingsCommands } from './commands/settings';
import { registerSimCommand } from './commands/sim';
import { registerSubjectCommands } from './commands/subjects';
import { registerSyncCommand } from './commands/sync';
import { registerTeamCommands } from './commands/team';
import { registerWorkspaceCommands } from './commands/workspaces';

export function buildProgram(): Command {
  const program = new Command('lethe')
    .description('Lethe: answer GDPR, UK GDPR, CCPA/CPRA and LGPD data subject requests against a Zendesk Support account')
    .version(LETHE_VERSION)
    .option('--debug', 'print stack traces of unexpected failures')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerWorkspaceCommands(program, processOutput);
  registerSyncCommand(program);
  registerSubjectCommands(program);
  registerArchiveCommands(program);
  registerEraseCommands(program);
  registerRequestCommands(program);
  registerAuditCommands(program);
  registerTeamCommands(program);
  registerSettingsCommands(program);
  registerBackupCommands(program);
  registerServeCommand(program);
  registerSimCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 failure, 2 usage error. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that finished but failed its check (a run needing attention) sets process.exitCode;
    // returning 0 here would overwrite it in index.ts.
    const set = process.exitCode;
    return typeof set === 'number' && set !== 0 ? set : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are successful exits in commander's model.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliFailure) {
      process.stderr.write(`${formatError(error.info)}\n`);
      return error.exitCode;
    }
    if (isLetheError(error)) {
      process.stderr.write(`${formatError(error.toInfo())}\n`);
      return EXIT.failure;
    }
    process.stderr.write(`${formatError({ code: 'internal_error', message: 'Unexpected failure; run with --debug for details' })}\n`);
    if (debug) process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failure;
  }
}
