import type { Command } from 'commander';
import { CliFailure } from '../cli-error';
import { processOutput } from '../output';
import { withSession } from '../core-session';
import { callRegister, emitFile } from './requests';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log');

  audit
    .command('verify')
    .description('Check the whole hash chain; exits 1 and names the first broken entry if it is broken')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExamples:\n  lethe audit verify\n  lethe audit verify --json')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const result = await callRegister(session, 'audit.verify', opts.workspace ? { workspaceId: opts.workspace } : {});
        if (out.json) out.out(JSON.stringify(result, null, 2));
        else if (result.ok) out.out(`${result.message}${result.head ? `\nhead ${result.head.seq} ${result.head.hash}` : ''}`);
        if (!result.ok)
          throw new CliFailure({
            code: 'db_corrupt',
            message: result.message,
            details: { brokenAt: result.brokenAt, reason: result.reason },
          });
      });
    });

  audit
    .command('export')
    .description('Export the audit log for a regulator, as CSV or JSON')
    .option('--format <format>', 'csv or json', 'json')
    .option('--output <file>', 'write to this file instead of standard output')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe audit export --format json --output audit.json\n  lethe audit export --format csv > audit.csv',
    )
    .action(async (opts: { format: string; output?: string; workspace?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json')
        throw new CliFailure({ code: 'invalid_input', message: '--format must be csv or json' }, 2);
      const format = opts.format;
      await withSession(async (session) => {
        const file = await callRegister(session, 'audit.export', { ...(opts.workspace ? { workspaceId: opts.workspace } : {}), format });
        await emitFile(file.content, opts.output);
        process.stderr.write(`${file.verify.ok ? '' : 'WARNING: '}${file.verify.message}\n`);
      });
    });
}
