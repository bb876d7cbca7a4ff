import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { EventPayload } from '../../shared/contract/events';
import { CliFailure, EXIT } from '../cli-error';
import { openCoreSession, withSession } from '../core-session';
import { formatTable, processOutput } from '../output';
import { checkOutputTarget, copyOutput } from '../safe-output';
import { resolveSubjectArg } from './subjects';

const KINDS = ['access', 'portability'] as const;
const REGULATIONS = ['GDPR', 'UK_GDPR', 'CCPA', 'LGPD'] as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerArchiveCommands(program: Command): void {
  const archive = program.command('archive').description('Access and portability archives of a data subject');

  archive
    .command('export')
    .description("Write a subject's access or portability archive (ZIP, optionally AES-256) to a file")
    .requiredOption('--subject <subject>', 'a subj_ reference, or an email address or phone number of theirs')
    .requiredOption('--kind <kind>', 'access or portability')
    .requiredOption('--out <file>', 'where to write the ZIP (a new file, readable by you only)')
    .option('--force', 'replace the --out file if it exists')
    .option('--regulation <regulation>', 'GDPR, UK_GDPR, CCPA or LGPD', 'GDPR')
    .option('--request <id>', 'the request this archive answers')
    .option('--password-stdin', 'encrypt with a passphrase read from standard input (at least 12 characters)')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe archive export --subject ana.lopez@example.com --kind access --out ana-access.zip\n' +
        '  printf %s "$PASSPHRASE" | lethe archive export --subject subj_380000000012 --kind portability --out out.zip --password-stdin --json',
    )
    .action(
      async (opts: {
        subject: string;
        kind: string;
        out: string;
        regulation: string;
        request?: string;
        passwordStdin?: boolean;
        workspace?: string;
        force?: boolean;
        json?: boolean;
      }) => {
        const out = processOutput(Boolean(opts.json));
        const kind = KINDS.find((k) => k === opts.kind);
        if (!kind) throw new CliFailure({ code: 'invalid_input', message: '--kind must be access or portability' }, EXIT.usage);
        const regulation = REGULATIONS.find((r) => r === opts.regulation);
        if (!regulation)
          throw new CliFailure({ code: 'invalid_input', message: `--regulation must be one of ${REGULATIONS.join(', ')}` }, EXIT.usage);
        const force = Boolean(opts.force);
        const target = await checkOutputTarget(opts.out, force);
        const password = opts.passwordStdin ? await readStdin() : undefined;
        const session = await openCoreSession();
        const bar =
          process.stdout.isTTY && !opts.json ? new SingleBar({ format: 'archive [{bar}] {percentage}%  {files}', hideCursor: true }) : null;
        let started = false;
        const unsubscribe = session.core.events.subscribe((name, payload) => {
          if (name !== 'job.progress' || !bar) return;
          const p = payload as EventPayload<'job.progress'>;
          if (p.kind !== 'archive.export' || p.phase !== 'running') return;
          const total = Math.max(p.total ?? p.done, p.done, 1);
          if (!started) {
            bar.start(total, p.done, { files: p.message ?? '' });
            started = true;
          } else {
            bar.setTotal(total);
            bar.update(p.done, { files: p.message ?? '' });
          }
        });
        try {
          const ws = opts.workspace ? { workspaceId: opts.workspace } : {};
          const ref = await resolveSubjectArg(session, opts.subject, opts.workspace);
          const record = await session.call('archives.export', {
            ...ws,
            ref,
            kind,
            regulation,
            ...(opts.request ? { requestId: opts.request } : {}),
            ...(password !== undefined ? { password } : {}),
          });
          bar?.stop();
          // The CLI's copy is the only one: the working copy in the exports folder goes, also when copying fails.
          try {
            await copyOutput(record.path, target, force);
          } finally {
            await session.call('archives.delete', { exportId: record.exportId });
          }
          const result = { ...record, path: target };
          if (out.json) return out.out(JSON.stringify(result, null, 2));
          out.out(`Wrote ${kind} archive for ${ref}: ${target}`);
          out.out(
            `${record.size} bytes, ${record.files} files, ${record.attachments} attachment(s)${record.attachmentsUnavailable ? `, ${record.attachmentsUnavailable} unavailable` : ''}${record.encrypted ? ', AES-256' : ''}`,
          );
          out.out(`SHA-256 ${record.sha256}`);
        } finally {
          unsubscribe();
          bar?.stop();
          await session.close();
        }
      },
    );

  archive
    .command('verify')
    .description("Check an archive against its manifest (every file's size and SHA-256)")
    .argument('<file>', 'the ZIP to check')
    .option('--password-stdin', 'read the passphrase of an encrypted archive from standard input')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe archive verify ana-access.zip\n  printf %s "$PASSPHRASE" | lethe archive verify out.zip --password-stdin --json',
    )
    .action(async (file: string, opts: { passwordStdin?: boolean; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      const password = opts.passwordStdin ? await readStdin() : undefined;
      await withSession(async (session) => {
        const result = await session.call('archives.verify', { path: resolve(file), ...(password !== undefined ? { password } : {}) });
        if (out.json) out.out(JSON.stringify(result, null, 2));
        else {
          out.out(
            `${result.ok ? 'OK' : 'DAMAGED'}: ${result.checked} of ${result.manifest.files} files checked, ${result.manifest.kind} archive for ${result.manifest.subjectRef}`,
          );
          out.out(`SHA-256 ${result.sha256}`);
          if (result.problems.length > 0)
            out.out(
              formatTable(
                ['FILE', 'PROBLEM'],
                result.problems.map((p) => [p.file, p.problem]),
              ),
            );
        }
        if (!result.ok)
          throw new CliFailure({
            code: 'invalid_input',
            message: `The archive does not match its manifest (${result.problems.length} problem(s))`,
          });
      });
    });
}
