import type { Command } from 'commander';
import { formatTable, type Output } from '../output';
import { withSession } from '../core-session';
import { CliFailure, EXIT } from '../cli-error';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerWorkspaceCommands(program: Command, output: (json: boolean) => Output): void {
  const workspaces = program.command('workspaces').description('Helpdesk connections (one workspace per Zendesk account)');

  workspaces
    .command('list')
    .description('List helpdesk connections')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  lethe workspaces list --json')
    .action(async (opts: { json?: boolean }) => {
      const out = output(Boolean(opts.json));
      await withSession(async (session) => {
        const { workspaces: list, activeId } = await session.call('workspaces.list', {});
        if (out.json) return out.out(JSON.stringify({ workspaces: list, activeId }, null, 2));
        if (list.length === 0) return out.out('No workspaces yet. Add one with: lethe workspaces add --help');
        out.out(
          formatTable(
            ['', 'ID', 'NAME', 'HELPDESK', 'AGENT', 'TOKEN'],
            list.map((w) => [w.id === activeId ? '*' : '', w.id, w.name, w.baseUrl, w.email, w.hasToken ? 'in keychain' : 'missing']),
          ),
        );
      });
    });

  workspaces
    .command('add')
    .description('Add a helpdesk connection; the API token is stored in the OS keychain')
    .requiredOption('--name <name>', 'a name for this connection')
    .option('--subdomain <subdomain>', 'Zendesk subdomain (acme for https://acme.zendesk.com)')
    .option('--url <url>', 'full helpdesk address instead of a subdomain')
    .requiredOption('--email <email>', 'the agent or admin e-mail the token belongs to')
    .option('--token-stdin', 'read the API token from standard input (otherwise from LETHE_API_TOKEN)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nThe token is never taken as an argument, where other users could read it in the process list.\n\nExamples:\n' +
        '  printf %s "$TOKEN" | lethe workspaces add --name "Acme" --subdomain acme --email dpo@acme.example --token-stdin\n' +
        '  LETHE_API_TOKEN=... lethe workspaces add --name Sim --url http://127.0.0.1:4900 --email admin@sim.example',
    )
    .action(async (opts: { name: string; subdomain?: string; url?: string; email: string; tokenStdin?: boolean; json?: boolean }) => {
      const out = output(Boolean(opts.json));
      if ((opts.subdomain === undefined) === (opts.url === undefined)) {
        throw new CliFailure({ code: 'invalid_input', message: 'Give exactly one of --subdomain and --url' }, EXIT.usage);
      }
      const apiToken = opts.tokenStdin ? await readStdin() : (process.env.LETHE_API_TOKEN ?? '');
      if (!apiToken) {
        throw new CliFailure(
          { code: 'invalid_input', message: 'No API token: pipe it with --token-stdin or set LETHE_API_TOKEN' },
          EXIT.usage,
        );
      }
      await withSession(async (session) => {
        const address = opts.subdomain !== undefined ? { subdomain: opts.subdomain } : { baseUrl: opts.url ?? '' };
        const created = await session.call('workspaces.create', { name: opts.name, address, email: opts.email, apiToken });
        // The recovery key is shown once at creation: it is the only way back to the register and
        // audit log when this machine's keychain is lost (`lethe backup recovery-key` shows it again).
        // Without a keychain (keys from the environment on a server) there is nowhere to keep it:
        // the connection stands, and the officer is told how to make the key later.
        let recoveryKey: string | null = null;
        let noKey = '';
        try {
          recoveryKey = (await session.call('backup.recoveryKey', { workspaceId: created.id })).recoveryKey;
        } catch (error) {
          noKey = error instanceof Error ? error.message : String(error);
        }
        if (out.json) return out.out(JSON.stringify({ ...created, recoveryKey }, null, 2));
        const where = process.env.LETHE_API_TOKEN
          ? 'the token comes from LETHE_API_TOKEN: set it for every command that talks to this helpdesk'
          : 'the token is in the OS keychain';
        out.out(`Added ${created.name} (${created.id}) for ${created.baseUrl}; ${where}.`);
        out.out('');
        if (recoveryKey === null) return out.out(`No recovery key was made (${noKey}); make it with: lethe backup recovery-key`);
        out.out(`Recovery key: ${recoveryKey}`);
        out.out('Write it down or keep it in your password vault, away from this computer. It opens every backup of this workspace');
        out.out('and refills a keychain that lost its keys; `lethe backup recovery-key` shows it again.');
      });
    });

  workspaces
    .command('remove')
    .description('Forget a connection, its keychain entries and its local cache')
    .argument('<id>', 'workspace id (see lethe workspaces list)')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  lethe workspaces remove ws_abcdefgh1234')
    .action(async (id: string, opts: { json?: boolean }) => {
      const out = output(Boolean(opts.json));
      await withSession(async (session) => {
        await session.call('workspaces.remove', { id });
        if (out.json) return out.out(JSON.stringify({ removed: id }));
        out.out(`Removed ${id}.`);
      });
    });
}
