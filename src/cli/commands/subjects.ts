import { describeCoverage } from '../coverage-table';
import type { Command } from 'commander';
import {
  DOSSIER_LISTS,
  DOSSIER_MAX_LIMIT,
  type AccountWhy,
  type Dossier,
  type DossierOffsets,
  type LinkSuggestion,
  type PersonLinks,
} from '../../shared/contract/groups/subjects';
import { CliFailure, EXIT } from '../cli-error';
import { withSession, type CoreSession } from '../core-session';
import { formatTable, processOutput } from '../output';

/**
 * A subject given on the command line: a `subj_…` reference as is, or an email address / phone
 * number that must match exactly one person (their linked accounts count as that person).
 */
export async function resolveSubjectArg(session: CoreSession, value: string, workspaceId: string | undefined): Promise<string> {
  if (/^subj_\d+$/.test(value)) return value;
  const { results } = await session.call('subjects.search', { ...(workspaceId ? { workspaceId } : {}), query: value, limit: 50 });
  const exact = results.filter((r) =>
    r.reasons.some((reason) => reason.match === 'exact' && reason.field !== 'name' && reason.field !== 'comment'),
  );
  if (exact.length === 0)
    throw new CliFailure({ code: 'not_found', message: 'No person in the local cache has exactly that email, phone or external id' });
  const first = exact[0]!;
  if (exact.length > 1) {
    // Several accounts of one person (linked or merged) are one subject; different people are not.
    const dossier = await session.call('subjects.show', { ...(workspaceId ? { workspaceId } : {}), ref: first.ref });
    const same = new Set(dossier.accounts.map((a) => a.userId));
    const others = exact.filter((r) => !same.has(r.userId));
    if (others.length > 0) {
      throw new CliFailure(
        {
          code: 'conflict',
          message: `That matches different people: ${[first, ...others].map((r) => r.ref).join(', ')}; give a subj_ reference`,
        },
        EXIT.usage,
      );
    }
  }
  return first.ref;
}

/**
 * The whole dossier: `subjects.show` answers a page of each list, so ask again for every list
 * that is not complete yet until each one is.
 */
export async function wholeDossier(show: (offsets: DossierOffsets) => Promise<Dossier>): Promise<Dossier> {
  const whole = await show({});
  for (;;) {
    const offsets: DossierOffsets = {};
    for (const list of DOSSIER_LISTS) if (whole[list].length < whole.pages[list].total) offsets[list] = whole[list].length;
    if (Object.keys(offsets).length === 0) break;
    const next = await show(offsets);
    let grew = false;
    for (const list of DOSSIER_LISTS) {
      if (offsets[list] === undefined) continue;
      // A sync between two pages can shrink a list; an empty page ends it rather than looping.
      grew ||= next[list].length > 0;
      (whole[list] as unknown[]).push(...next[list]);
      whole.pages[list].total = next.pages[list].total;
    }
    if (!grew) break;
  }
  return whole;
}

export function registerSubjectCommands(program: Command): void {
  const subjects = program.command('subjects').description('Find data subjects in the local cache and show what is held about them');

  subjects
    .command('search')
    .description('Search by email, name, phone, external id or comment text (prefix and accent-insensitive)')
    .argument('<query>', 'what to look for')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--limit <n>', 'at most this many results (1-500)', '50')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe subjects search jose\n  lethe subjects search "+49 30 1234567" --json\n  lethe subjects search ana.lopez@example.com --limit 5',
    )
    .action(async (query: string, opts: { workspace?: string; limit: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new CliFailure({ code: 'invalid_input', message: '--limit must be a whole number from 1 to 500' }, EXIT.usage);
      await withSession(async (session) => {
        const result = await session.call('subjects.search', { ...(opts.workspace ? { workspaceId: opts.workspace } : {}), query, limit });
        if (out.json) return out.out(JSON.stringify(result, null, 2));
        if (result.results.length === 0) return out.out('Nobody in the local cache matches.');
        out.out(
          formatTable(
            ['REF', 'NAME', 'EMAIL', 'ROLE', 'TICKETS', 'MATCHED'],
            result.results.map((r) => {
              const why = r.reasons[0]!;
              return [
                r.ref,
                r.name,
                r.email ?? '',
                r.role ?? '',
                String(r.tickets),
                `${why.field.replace('_', ' ')} (${why.match})${r.linkedAccounts ? ` +${r.linkedAccounts} linked` : ''}`,
              ];
            }),
          ),
        );
        if (result.truncated) out.out(`(more matches; narrow the query or raise --limit)`);
      });
    });

  subjects
    .command('show')
    .description("A subject's dossier: accounts, identities, organizations, tickets by role, comments, attachments, mentions")
    .argument('<subject>', 'a subj_ reference, or an email address or phone number of theirs')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExamples:\n  lethe subjects show subj_380000000012\n  lethe subjects show ana.lopez@example.com --json')
    .action(async (subject: string, opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const ref = await resolveSubjectArg(session, subject, opts.workspace);
        const workspace = opts.workspace ? { workspaceId: opts.workspace } : {};
        const dossier = await wholeDossier((offsets) =>
          session.call('subjects.show', { ...workspace, ref, limit: DOSSIER_MAX_LIMIT, offsets }),
        );
        out.out(out.json ? JSON.stringify(dossier, null, 2) : describeDossier(dossier));
      });
    });

  subjects
    .command('links')
    .description("A person's confirmed accounts and the suggested links (a shared e-mail or phone), with the evidence")
    .argument('<subject>', 'a subj_ reference, or an email address or phone number of theirs')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExample:\n  lethe subjects links subj_380000000014')
    .action(async (subject: string, opts: { workspace?: string; json?: boolean }) => {
      const out = processOutput(Boolean(opts.json));
      await withSession(async (session) => {
        const ref = await resolveSubjectArg(session, subject, opts.workspace);
        const links = await session.call('subjects.links', { ...(opts.workspace ? { workspaceId: opts.workspace } : {}), ref });
        out.out(out.json ? JSON.stringify(links, null, 2) : describeLinks(links));
      });
    });

  subjects
    .command('link')
    .description('Confirm that another helpdesk account is the same person (kept per person, recorded in the audit log)')
    .argument('<subject>', 'a subj_ reference, or an email address or phone number of theirs')
    .argument('<account>', 'the user id of the other account')
    .requiredOption('--reason <text>', 'why they are the same person (3-500 characters)')
    .option('--by <name>', 'who decides (default: the OS account)')
    .option('--request <id>', 'the request the decision is taken for (req_…): the audit entry names it')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExample:\n  lethe subjects link subj_380000000007 380000000014 --reason "Second account, confirmed by the requester"',
    )
    .action(
      async (
        subject: string,
        account: string,
        opts: { reason: string; by?: string; request?: string; workspace?: string; json?: boolean },
      ) => {
        await decide(subject, account, opts, 'subjects.link');
      },
    );

  subjects
    .command('unlink')
    .description('Reject a suggested link (not the same person; it stays rejected after every sync), or --undo a decision')
    .argument('<subject>', 'a subj_ reference, or an email address or phone number of theirs')
    .argument('<account>', 'the user id of the other account')
    .option('--reason <text>', 'why they are not the same person (3-500 characters; required unless --undo)')
    .option('--undo', 'forget the decision instead: a confirmed account leaves the person, a rejected one is suggested again')
    .option('--by <name>', 'who decides (default: the OS account)')
    .option('--request <id>', 'the request the decision is taken for (req_…): the audit entry names it')
    .option('--workspace <id>', 'workspace id (default: the active one)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  lethe subjects unlink subj_380000000014 380000000007 --reason "Household landline, a different person"\n  lethe subjects unlink subj_380000000014 380000000007 --undo',
    )
    .action(
      async (
        subject: string,
        account: string,
        opts: { reason?: string; undo?: boolean; by?: string; request?: string; workspace?: string; json?: boolean },
      ) => {
        if (opts.undo) return decide(subject, account, opts, 'subjects.unlink');
        if (opts.reason === undefined)
          throw new CliFailure({ code: 'invalid_input', message: 'Say why with --reason, or forget the decision with --undo' }, EXIT.usage);
        return decide(subject, account, { ...opts, reason: opts.reason }, 'subjects.reject');
      },
    );
}

async function decide(
  subject: string,
  account: string,
  opts: { reason?: string; by?: string; request?: string; workspace?: string; json?: boolean },
  operation: 'subjects.link' | 'subjects.reject' | 'subjects.unlink',
): Promise<void> {
  const out = processOutput(Boolean(opts.json));
  const userId = parseAccount(account);
  await withSession(async (session) => {
    const ref = await resolveSubjectArg(session, subject, opts.workspace);
    const base = {
      ...(opts.workspace ? { workspaceId: opts.workspace } : {}),
      ref,
      userId,
      ...(opts.by ? { by: opts.by } : {}),
      ...(opts.request ? { requestId: opts.request } : {}),
    };
    const links =
      operation === 'subjects.unlink'
        ? await session.call('subjects.unlink', base)
        : await session.call(operation, { ...base, reason: opts.reason ?? '' });
    out.out(out.json ? JSON.stringify(links, null, 2) : describeLinks(links));
  });
}

function describeWhy(why: AccountWhy): string {
  return why.kind === 'requested' ? 'requested' : `confirmed by ${why.by}: ${why.reason}`;
}

function describeEvidence(s: LinkSuggestion): string {
  return s.evidence
    .map(
      (e) =>
        `${e.identityType === 'email' ? 'e-mail' : 'phone'} ${e.value} (on ${e.sharedBy} accounts${e.sharedBy > 3 ? ': shared line or mailbox?' : ''})`,
    )
    .join('; ');
}

function describeSuggestions(list: LinkSuggestion[]): string {
  return formatTable(
    ['USER', 'NAME', 'SHARES', 'DECISION'],
    list.map((s) => [
      String(s.userId),
      s.name,
      describeEvidence(s),
      s.decision ? `rejected by ${s.decision.by}: ${s.decision.reason}` : 'pending',
    ]),
  );
}

function describeLinks(l: PersonLinks): string {
  return [
    `Person ${l.ref}: ${l.accounts.length} confirmed account(s), ${l.pending} suggestion(s) pending`,
    formatTable(
      ['USER', 'WHY'],
      l.accounts.map((a) => [String(a.userId), describeWhy(a.why)]),
    ),
    '',
    l.suggestions.length === 0 ? 'No suggested links.' : 'Suggested links (nothing acts on them until confirmed)',
    ...(l.suggestions.length === 0 ? [] : [describeSuggestions(l.suggestions)]),
    ...(l.suggestionsTruncated ? ['(more suggestions than shown)'] : []),
  ].join('\n');
}

function parseAccount(value: string): number {
  const id = Number(value);
  if (!/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(id))
    throw new CliFailure({ code: 'invalid_input', message: 'The account must be a helpdesk user id' }, EXIT.usage);
  return id;
}

function describeDossier(d: Dossier): string {
  const s = d.summary;
  const lines = [
    `${d.displayName} (${d.ref})  data as of: ${d.dataAsOf ?? 'never fully synced'}`,
    `${s.accounts} account(s), ${s.identities} identities, ${s.organizations} organization(s), ${s.tickets} ticket(s), ${s.comments} comment(s), ${s.attachments} attachment(s) (${s.attachmentBytes} bytes), ${s.mentions} mention(s)`,
    '',
    'Where Lethe looked',
    describeCoverage(d.coverage),
    '',
    'Accounts',
    formatTable(
      ['USER', 'NAME', 'EMAIL', 'WHY'],
      d.accounts.map((a) => [String(a.userId), a.name, a.email ?? '', describeWhy(a.why)]),
    ),
    ...(d.pendingSuggestions > 0
      ? [
          '',
          `Suggested links, NOT included until confirmed (${d.pendingSuggestions}; see lethe subjects links ${d.ref})`,
          describeSuggestions(d.suggestions.filter((x) => x.decision === null)),
        ]
      : []),
    '',
    'Tickets',
    d.tickets.length === 0
      ? '(none)'
      : formatTable(
          ['TICKET', 'STATUS', 'WHY', 'SUBJECT'],
          d.tickets.map((t) => [String(t.id), t.deleted ? `${t.status} (deleted)` : t.status, t.why, t.subject ?? '']),
        ),
    '',
    'Mentions',
    d.mentions.length === 0
      ? '(none)'
      : formatTable(
          ['TICKET', 'WHY'],
          d.mentions.map((m) => [String(m.ticketId), m.why]),
        ),
  ];
  return lines.join('\n');
}
