import { describeCoverage } from '../coverage-table';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { z } from 'zod';
import { ErasurePlan, erasureOperations, REGULATIONS, type PlanMention, type RunStatus } from '../../shared/contract/groups/erasure';
import { zendeskDeletionSentence } from '../../shared/contract/groups/zendesk-deletion';
import { CliFailure, EXIT } from '../cli-error';
import { openCoreSession, type CoreSession } from '../core-session';
import { formatTable, processOutput, type Output } from '../output';
import { checkOutputTarget, writeOutput } from '../safe-output';

type Ops = typeof erasureOperations;

/** The erasure operations through the same router as every face (typed locally, so this file does not depend on the contract's wiring). */
async function call<K extends keyof Ops>(
  session: CoreSession,
  name: K,
  input: z.input<Ops[K]['input']>,
): Promise<z.output<Ops[K]['output']>> {
  const result = await session.core.router.call(name as never, input as never);
  if (!result.ok) throw new CliFailure(result.error);
  return result.value as z.output<Ops[K]['output']>;
}

const ws = (id: string | undefined) => (id ? { workspaceId: id } : {});

function printPlan(out: Output, plan: ErasurePlan): void {
  const c = plan.counts;
  out.out(
    `Erasure plan ${plan.id} for ${plan.subject.email} (${plan.subject.userIds.length} account(s)), ${plan.regulation.toUpperCase()}${plan.request ? ` for ${plan.request.reference}` : ''}`,
  );
  out.out(`Data as of: ${plan.dataAsOf ?? 'never fully synced'}`);
  if (plan.coverage.length > 0) out.out(`Where Lethe looked\n${describeCoverage(plan.coverage)}`);
  out.out(
    `Tickets: ${c.tickets.delete} delete, ${c.tickets.redact} redact, ${c.tickets.keep} keep, ${c.tickets.blocked} blocked, ${c.tickets.review} review; ` +
      `comments to redact ${c.commentsToRedact} (+${c.mentionCommentsToRedact} mentions), attachments ${c.attachmentsToRedact} (${c.attachmentBytesToRedact} bytes); ` +
      `other people affected: ${c.otherPeople.endUsers} end users, ${c.otherPeople.agents} agents`,
  );
  out.out('');
  out.out(
    formatTable(
      ['TICKET', 'DECISION', 'STATUS', 'REASON'],
      plan.tickets.map((t) => [String(t.ticketId), t.decision, t.status, t.reason]),
    ),
  );
  out.out('');
  out.out(
    formatTable(
      ['ACCOUNT', 'DECISION', 'REASON'],
      plan.accounts.map((a) => [String(a.userId), a.decision, a.fix ? `${a.reason}. Fix: ${a.fix.description}` : a.reason]),
    ),
  );
  if (plan.mentions.length > 0) {
    out.out('');
    out.out("Others' comments quoting the subject (the name beside the address is redacted with it unless declined in the console):");
    out.out(mentionTable(plan.mentions));
  }
  if (c.mentionsForReview > 0) {
    out.out(
      `\n${c.mentionsForReview} mention(s) are left for review and would be kept as they are: \`lethe erase run\` needs --mentions-reviewed ${c.mentionsForReview} to run.`,
    );
  }
}

const NAME_WORDS = (m: PlanMention): string => (m.name ? `${m.name.redact ? 'redact' : 'keep'}: ${m.name.strings.join(', ')}` : '—');

function mentionTable(mentions: readonly PlanMention[]): string {
  return formatTable(
    ['TICKET', 'TITLE', 'DECISION', 'NAME', 'WORDS'],
    mentions.map((m) => [String(m.ticketId), m.ticketTitle, m.decision, NAME_WORDS(m), m.excerpt]),
  );
}

/** `--mentions-reviewed <n>`: how many mentions left for review the officer has read and keeps. */
function reviewedCount(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,7}$/.test(raw.trim())) {
    throw new CliFailure(
      { code: 'invalid_input', message: '--mentions-reviewed takes the number of mentions left for review (0 or more)' },
      EXIT.usage,
    );
  }
  return Number(raw.trim());
}

/** Polls until the runs started in this process settle, printing progress to stderr. */
async function waitForRuns(session: CoreSession, out: Output, workspaceId: string | undefined, runIds: string[]): Promise<RunStatus[]> {
  const final: RunStatus[] = [];
  for (const runId of runIds) {
    let last = '';
    for (;;) {
      const status = await call(session, 'erasure.status', { ...ws(workspaceId), runId });
      const line = `${status.phase}: ${status.operations.done} done, ${status.operations.failed} failed, ${status.operations.planned + status.operations.sent} to go`;
      if (line !== last && !out.json) out.err(line);
      last = line;
      if (!status.running) {
        final.push(status);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return final;
}

function printStatus(out: Output, s: RunStatus): void {
  out.out(`Run ${s.runId}: ${s.state} (${s.phase})`);
  out.out(`Operations: ${s.operations.done} done, ${s.operations.failed} failed, ${s.operations.skipped} skipped, ${s.apiCalls} API calls`);
  if (s.verification)
    out.out(
      `Verification: ${s.verification.ok ? 'everything reads deleted or redacted' : 'some things are still there'} (${s.verification.ticketsGone} tickets gone, ${s.verification.commentsRedacted} comments redacted)`,
    );
  if (s.residue)
    out.out(
      `Residue in the local cache: ${s.residue.total} (kept tickets ${s.residue.keptTickets}, other comments ${s.residue.otherComments}, profiles ${s.residue.otherProfiles})`,
    );
  if (s.zendeskDeletion) out.out(`${zendeskDeletionSentence(s.zendeskDeletion)}.`);
  for (const f of s.failures) out.out(`  ${f.kind} ${f.targets.join(',')}: ${f.code} ${f.message}`);
  if (s.receipt) out.out(`Receipt: ${s.receipt.json}\n         ${s.receipt.html}`);
  if (s.error) out.out(`Stopped: [${s.error.code}] ${s.error.message}. Resume with: lethe erase resume --run ${s.runId}`);
}

export function registerEraseCommands(program: Command): void {
  const erase = program
    .command('erase')
    .description('Erase a data subject: preview the impact, run it from the journal, resume after a crash');

  erase
    .command('plan')
    .description('Compute the impact preview offline from the cache (one decision per ticket and account, with the reason)')
    .requiredOption('--subject <email>', "the subject's e-mail address")
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--regulation <name>', `the request's regulation (${REGULATIONS.join(', ')}; default: the --request's, else gdpr)`)
    .option(
      '--request <id>',
      'the register request this erasure answers (req_…): the plan takes its regulation; entries and receipt name it',
    )
    .option('--prepared-by <name>', 'who prepares the plan (kept in the receipt)')
    .option('--out <file>', 'also write the plan as JSON to this new file, readable by you only (it names the subject: keep it safe)')
    .option('--force', 'replace the --out file if it exists')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe erase plan --subject jane@example.com\n  lethe erase plan --subject jane@example.com --out jane-plan.json --json',
    )
    .action(
      async (opts: {
        subject: string;
        workspace?: string;
        regulation?: string;
        request?: string;
        preparedBy?: string;
        out?: string;
        force?: boolean;
        json?: boolean;
      }) => {
        const out = processOutput(Boolean(opts.json));
        if (opts.regulation !== undefined && !(REGULATIONS as readonly string[]).includes(opts.regulation)) {
          throw new CliFailure({ code: 'invalid_input', message: `--regulation must be one of ${REGULATIONS.join(', ')}` }, EXIT.usage);
        }
        const target = opts.out === undefined ? undefined : await checkOutputTarget(opts.out, Boolean(opts.force));
        const session = await openCoreSession();
        try {
          const plan = await call(session, 'erasure.plan', {
            ...ws(opts.workspace),
            subject: opts.subject,
            ...(opts.regulation ? { regulation: opts.regulation as (typeof REGULATIONS)[number] } : {}),
            ...(opts.request ? { requestId: opts.request } : {}),
            ...(opts.preparedBy ? { preparedBy: opts.preparedBy } : {}),
          });
          if (target !== undefined) await writeOutput(target, Boolean(opts.force), `${JSON.stringify(plan, null, 2)}\n`);
          if (out.json) return out.out(JSON.stringify(plan, null, 2));
          printPlan(out, plan);
          out.out(`\nNext: lethe erase run --plan ${opts.out ?? '<file written with --out>'}`);
        } finally {
          await session.close();
        }
      },
    );

  erase
    .command('run')
    .description('Check a plan against the live helpdesk, show the differences, then run it (waits until done)')
    .requiredOption('--plan <file>', 'a plan file written by `lethe erase plan --out`')
    .option('--accept-differences', 'run even if the live helpdesk differs from the cache (differences are printed)')
    .option(
      '--mentions-reviewed <n>',
      "the plan's mentions left for review (others' comments quoting the subject), read and kept as they are: required when there are any",
    )
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nA bad, stale or already-run plan changes nothing (exit 1), and so does a plan with mentions left for review\n' +
        'until --mentions-reviewed names how many (they are listed).\n\nExample:\n  lethe erase run --plan jane-plan.json --mentions-reviewed 2',
    )
    .action(async (opts: { plan: string; acceptDifferences?: boolean; mentionsReviewed?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      const reviewed = reviewedCount(opts.mentionsReviewed);
      let file: ErasurePlan;
      try {
        file = ErasurePlan.parse(JSON.parse(await readFile(opts.plan, 'utf8')));
      } catch {
        throw new CliFailure({ code: 'invalid_input', message: 'The plan file is not a Lethe erasure plan' }, EXIT.usage);
      }
      const session = await openCoreSession();
      try {
        const workspaceId = file.workspaceId;
        const stored = await call(session, 'erasure.getPlan', { workspaceId, planId: file.id });
        if (stored.state !== 'draft')
          throw new CliFailure({ code: 'conflict', message: `This plan has already run (${stored.state}); see lethe erase resume` });
        // The file is only a pointer to the stored plan: one naming other accounts was edited, and is refused.
        const confirmed = new Set(stored.subject.userIds);
        if ([...file.subject.userIds, ...file.accounts.map((a) => a.userId)].some((id) => !confirmed.has(id))) {
          throw new CliFailure({
            code: 'conflict',
            message: 'The plan file names an account that is not confirmed as this person (docs/identity.md); plan again',
          });
        }
        // Surface items too: a file naming an item the stored plan does not (another person's) is refused.
        const storedItems = new Set(stored.surfaceItems.map((i) => `${i.surface}:${i.id}`));
        if (file.surfaceItems.some((i) => !storedItems.has(`${i.surface}:${i.id}`))) {
          throw new CliFailure({
            code: 'conflict',
            message: 'The plan file names a surface item that is not in this person’s plan; plan again',
          });
        }
        if (stored.fingerprint !== file.fingerprint) {
          throw new CliFailure({ code: 'conflict', message: 'The plan file is stale (the plan changed since it was written); plan again' });
        }
        const checked = await call(session, 'erasure.revalidate', { workspaceId, planId: file.id });
        const differences = checked.revalidation?.differences ?? [];
        if (differences.length > 0) {
          const text = formatTable(
            ['TARGET', 'ID', 'CHANGE', 'DETAIL'],
            differences.map((d) => [d.target, String(d.id), d.kind, d.detail]),
          );
          if (!opts.acceptDifferences) {
            throw new CliFailure({
              code: 'conflict',
              message: `The live helpdesk differs from the cache; nothing was run:\n${text}\nReview, then run again with --accept-differences`,
            });
          }
          if (!out.json) out.err(`Live differences (accepted):\n${text}`);
        }
        // Mentions left for review stay as they are: the officer has read them and says how many (#19 item 6).
        const forReview = checked.counts.mentionsForReview;
        if (forReview > 0 && reviewed !== forReview) {
          throw new CliFailure({
            code: 'mentions_unreviewed',
            message:
              `${forReview} mention(s) of the subject in other people's tickets are left for review and would be kept as they are; nothing was run:\n` +
              `${mentionTable(checked.mentions.filter((m) => m.decision === 'review'))}\n` +
              `Read them, then run again with --mentions-reviewed ${forReview} to keep them as they are` +
              (reviewed === undefined ? '' : ` (you gave ${reviewed})`) +
              "; to redact them instead, override their tickets in the console's Erasure page.",
            details: { mentionsForReview: forReview, acknowledged: reviewed ?? 0 },
          });
        }
        const started = await call(session, 'erasure.execute', {
          workspaceId,
          planId: file.id,
          confirm: {
            subject: checked.subject.email,
            deleteTickets: checked.counts.tickets.delete,
            redactTickets: checked.counts.tickets.redact,
            ...(reviewed !== undefined ? { mentionsReviewed: reviewed } : {}),
          },
        });
        const [status] = await waitForRuns(session, out, workspaceId, [started.runId]);
        if (out.json) return out.out(JSON.stringify(status, null, 2));
        printStatus(out, status!);
        if (status!.state !== 'completed') process.exitCode = EXIT.failure;
      } finally {
        await session.close();
      }
    });

  erase
    .command('resume')
    .description('Resume erasures a crash or restart interrupted; nothing already done is sent again')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--run <id>', 'only this run')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  lethe erase resume')
    .action(async (opts: { workspace?: string; run?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      const session = await openCoreSession();
      try {
        const { runs } = await call(session, 'erasure.resume', { ...ws(opts.workspace), ...(opts.run ? { runId: opts.run } : {}) });
        const final = await waitForRuns(
          session,
          out,
          opts.workspace ?? runs[0]?.workspaceId,
          runs.map((r) => r.runId),
        );
        if (out.json) return out.out(JSON.stringify({ runs: final }, null, 2));
        if (final.length === 0) return out.out('No interrupted erasure to resume.');
        for (const s of final) printStatus(out, s);
        if (final.some((s) => s.state !== 'completed')) process.exitCode = EXIT.failure;
      } finally {
        await session.close();
      }
    });

  erase
    .command('zendesk-status')
    .description("Read Zendesk's own per-product deletion status again for a finished run and update its receipt")
    .requiredOption('--run <id>', 'the run (its id is printed by `lethe erase run`)')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      "\nZendesk's products finish a deletion on their own schedule (Support in minutes, Chat in hours).\n\nExample:\n  lethe erase zendesk-status --run 01890a5d-ac96-774b-bcce-b302099a8057",
    )
    .action(async (opts: { run: string; workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      const session = await openCoreSession();
      try {
        const status = await call(session, 'erasure.checkZendeskDeletion', { ...ws(opts.workspace), runId: opts.run });
        if (out.json) return out.out(JSON.stringify(status, null, 2));
        printStatus(out, status);
        if ((status.zendeskDeletion?.pending.length ?? 0) > 0 || status.zendeskDeletion?.error) process.exitCode = EXIT.failure;
      } finally {
        await session.close();
      }
    });
}
