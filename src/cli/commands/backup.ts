import { copyFile, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { tempPathFor } from '../../main/core/fs/atomic-write';
import { CliFailure, EXIT } from '../cli-error';
import { withSession } from '../core-session';
import { processOutput } from '../output';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** From standard input or LETHE_RECOVERY_KEY, never from an argument (it would land in shell history). */
async function recoveryKeyFrom(opts: { recoveryKeyStdin?: boolean }): Promise<string> {
  const key = opts.recoveryKeyStdin ? await readStdin() : (process.env.LETHE_RECOVERY_KEY ?? '').trim();
  if (key === '') {
    throw new CliFailure(
      { code: 'invalid_input', message: 'No recovery key: pipe it with --recovery-key-stdin or set LETHE_RECOVERY_KEY' },
      EXIT.usage,
    );
  }
  return key;
}

const ws = (opts: { workspace?: string }) => (opts.workspace !== undefined ? { workspaceId: opts.workspace } : {});

export function registerBackupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description('Recovery key and encrypted backups of the register, audit log, journal and settings');

  backup
    .command('recovery-key')
    .description("Show the workspace's recovery key (created the first time); write it down and keep it apart from this machine")
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  lethe backup recovery-key')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const value = await session.call('backup.recoveryKey', ws(opts));
        if (out.json) return out.out(JSON.stringify(value, null, 2));
        out.out(value.created ? 'A recovery key was created for this workspace:' : 'The recovery key of this workspace:');
        out.out('');
        out.out(`  ${value.recoveryKey}`);
        out.out('');
        out.out('It opens every backup of this workspace and refills a keychain that lost its keys.');
        out.out('Keep it on paper or in your password vault, not on this machine. Showing it is recorded in the audit log.');
      });
    });

  backup
    .command('create')
    .description('Write an encrypted backup (register, audit log, journal, settings); it opens only with the recovery key')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--out <file>', 'also copy the backup to this file (default: only the backups folder of the data directory)')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExamples:\n  lethe backup create --out /media/usb/acme.lethebak\n  lethe backup create --json')
    .action(async (opts: { workspace?: string; out?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const value = await session.call('backup.create', ws(opts));
        let copied: string | null = null;
        if (opts.out !== undefined) {
          copied = resolve(opts.out);
          const temp = tempPathFor(copied);
          try {
            await copyFile(value.path, temp);
            await rename(temp, copied);
          } catch {
            await rm(temp, { force: true });
            throw new CliFailure({ code: 'not_found', message: `Cannot write ${copied}; the backup is at ${value.path}` });
          }
        }
        if (out.json) return out.out(JSON.stringify({ ...value, copiedTo: copied }, null, 2));
        out.out(`Backup of ${value.requests} requests and ${value.auditEntries} audit entries: ${value.path}`);
        if (copied) out.out(`Copied to ${copied}`);
        out.out(`SHA-256 ${value.sha256} (${value.bytes} bytes). Restore with: lethe restore FILE --recovery-key-stdin`);
      });
    });

  backup
    .command('status')
    .description('Whether the workspace has a recovery key and a key file (the key is not shown)')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const value = await session.call('backup.status', ws(opts));
        if (out.json) return out.out(JSON.stringify(value, null, 2));
        out.out(`Recovery key: ${value.hasRecoveryKey ? 'yes' : 'none yet (run lethe backup recovery-key)'}`);
        out.out(`Key file:     ${value.keyFile ? 'yes' : 'no'}`);
      });
    });

  program
    .command('restore')
    .description('Restore a backup into this data directory, or (--keys) refill a keychain that lost the workspace keys')
    .argument('[file]', 'the backup file (.lethebak)')
    .option('--keys', "no file: refill the keychain from the key file beside the workspace's stores")
    .option('--workspace <id>', 'with --keys: workspace id (default: the active one)')
    .option('--recovery-key-stdin', 'read the recovery key from standard input (otherwise from LETHE_RECOVERY_KEY)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe restore acme.lethebak --recovery-key-stdin < key.txt\n  LETHE_RECOVERY_KEY=… lethe restore --keys',
    )
    .action(async (file: string | undefined, opts: { keys?: boolean; workspace?: string; recoveryKeyStdin?: boolean; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      if ((file === undefined) === !opts.keys) {
        throw new CliFailure({ code: 'invalid_input', message: 'Give a backup file, or --keys (not both)' }, EXIT.usage);
      }
      const recoveryKey = await recoveryKeyFrom(opts);
      await withSession(async (session) => {
        if (file !== undefined) {
          const value = await session.call('backup.restore', { path: resolve(file), recoveryKey });
          if (out.json) return out.out(JSON.stringify(value, null, 2));
          out.out(`Restored workspace "${value.workspaceName}" (${value.workspaceId}) from the backup of ${value.backupCreatedAt}:`);
          out.out(
            `  ${value.requests} requests, ${value.auditEntries} audit entries, chain ${value.auditChainOk ? 'intact' : 'BROKEN: run lethe audit verify'}`,
          );
          out.out(value.settingsRestored ? '  Settings restored.' : '  Settings kept (this data directory already had its own).');
          out.out('  Enter the helpdesk API token again (Settings → Helpdesk connections) before the next sync.');
          return;
        }
        const value = await session.call('backup.recoverKeys', { ...ws(opts), recoveryKey });
        if (out.json) return out.out(JSON.stringify(value, null, 2));
        out.out(`Keys back in the keychain: ${value.restored.join(', ') || 'none were missing'}.`);
        out.out(
          `  ${value.requests} requests, ${value.auditEntries} audit entries, chain ${value.auditChainOk ? 'intact' : 'BROKEN: run lethe audit verify'}`,
        );
      });
    });
}
