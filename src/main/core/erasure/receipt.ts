import { receiptSurfaces } from './surface-receipt';
import { withComplianceRow } from './zendesk-status';
import type { ReceiptSurface } from '../../../shared/schemas/surfaces';
import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Receipt } from '../../../shared/contract/groups/erasure';
import { assertNoPersonalData } from '../audit/chain';
import { writeFileAtomic } from '../fs/atomic-write';
import type { Journal } from '../journal';
import { allCitations } from './citations';
import { labelOf } from '../surfaces/registry';
import type { ErasureDocument } from './document';
import { zendeskDeletionSentence } from '../../../shared/contract/groups/zendesk-deletion';
import {
  COUNT_WORDS,
  GROUND_WORDS,
  OPERATION_WORDS,
  REASON_WORDS,
  REGULATION_NAMES,
  RESIDUE_WORDS,
  STATE_WORDS,
  TARGET_WORDS,
  VERIFICATION_WORDS,
  valueInWords,
  wordFor,
} from './receipt-words';

export const HASHING = 'HMAC-SHA256 under the workspace erasure key (hex); e-mails lower-cased, ids as decimal';

export function hmacRef(key: Buffer, value: string | number): string {
  return createHmac('sha256', key).update(String(value).trim().toLowerCase(), 'utf8').digest('hex');
}

/**
 * The deletion receipt: what was done, when, on what grounds and with whose approval, without
 * personal data. Identifiers are keyed hashes, so the controller can later show "this receipt is
 * about that person" while the receipt alone names nobody.
 */
/** Mentions whose redaction, done, carried the subject's name beside the address. */
function namesRedacted(plan: ErasureDocument['plan'], ops: ReturnType<Journal['operations']>): number {
  const done = new Set(ops.filter((o) => o.kind === 'comment.redact' && o.state === 'done').map((o) => o.targets[0]));
  return (plan.mentions ?? []).filter((m) => m.decision === 'redact' && m.name?.redact && done.has(m.commentId)).length;
}

export function buildReceipt(doc: ErasureDocument, journal: Journal, runId: string, key: Buffer, finishedAt: Date): Receipt {
  const run = journal.getRun(runId);
  const plan = doc.plan;
  const ops = journal.operations(runId);
  const counts: Record<string, number> = {
    ticketsDeleted: ops.filter((o) => o.kind === 'ticket.purge' && o.state === 'done').length,
    ticketsRedacted: new Set(
      ops
        .filter((o) => o.kind === 'comment.redact' && o.state === 'done')
        .map((o) => (o.payload as { ticketId?: number } | null)?.ticketId ?? o.targets[0]),
    ).size,
    commentsRedacted: ops.filter((o) => o.kind === 'comment.redact' && o.state === 'done').length,
    ticketsKept: plan.tickets.filter((t) => t.decision === 'keep').length,
    ticketsBlocked: plan.tickets.filter((t) => t.decision === 'blocked').length,
    ticketsLeftForReview: plan.tickets.filter((t) => t.decision === 'review').length,
    mentionsLeftForReview: plan.counts.mentionsForReview,
    namesRedacted: namesRedacted(plan, ops),
    accountsDeleted: ops.filter((o) => o.kind === 'user.purge' && o.state === 'done').length,
    accountsBlocked: plan.accounts.filter((a) => a.decision === 'blocked').length,
    sessionsRevoked: ops.filter((o) => o.kind === 'user.revokeSessions' && o.state === 'done').length,
    operationsFailed: ops.filter((o) => o.state === 'failed').length,
    operationsSkipped: ops.filter((o) => o.state === 'skipped').length,
    apiCalls: doc.apiCalls,
  };
  const receipt: Receipt = {
    format: 'lethe-erasure-receipt/1',
    runId,
    workspaceRef: plan.workspaceId,
    subjectRef: plan.subject.ref,
    accountRefs: plan.subject.userIds.map((id) => hmacRef(key, id)),
    regulation: plan.regulation,
    request: plan.request ?? null,
    dataAsOf: plan.dataAsOf,
    plannedAt: plan.createdAt,
    startedAt: run.startedAt,
    finishedAt: finishedAt.toISOString(),
    preparedBy: plan.preparedBy,
    approval: plan.approval ? { approver: plan.approval.approver, at: plan.approval.at } : null,
    counts,
    overrides: doc.overrides.map((o) => {
      // A name's proposal is always to redact it with the address.
      const item =
        o.target === 'name'
          ? { proposed: 'redact' }
          : o.target === 'ticket'
            ? plan.tickets.find((t) => t.ticketId === o.id)
            : plan.accounts.find((a) => a.userId === o.id);
      return { target: o.target, ref: hmacRef(key, o.id), from: item?.proposed ?? 'unknown', to: o.decision, reason: o.reason, at: o.at };
    }),
    exemptions: plan.tickets
      .filter((t) => t.decision === 'keep' && t.exemption)
      .map((t) => ({
        ticketRef: hmacRef(key, t.ticketId),
        rule: t.exemption!.rule,
        ground: t.exemption!.ground,
        citations: allCitations(t.exemption!.ground),
      })),
    blocked: [
      ...plan.tickets
        .filter((t) => t.decision === 'blocked')
        .map((t) => ({ target: 'ticket', ref: hmacRef(key, t.ticketId), reasonCode: t.reasonCode })),
      ...plan.accounts
        .filter((a) => a.decision === 'blocked')
        .map((a) => ({ target: 'account', ref: hmacRef(key, a.userId), reasonCode: a.reasonCode })),
    ],
    operations: ops.map((o) => ({
      id: o.id,
      kind: o.kind,
      state: o.state,
      targets: o.targets.length,
      attempts: o.attempts,
      jobId: o.remoteJobId,
      finishedAt: o.finishedAt,
    })),
    surfaces: withComplianceRow(receiptSurfaces(plan, ops, doc.surfaceResidue), doc.zendeskDeletion) as ReceiptSurface[],
    verification: doc.verification
      ? {
          ...doc.verification,
          ticketsStillPresent: doc.verification.ticketsStillPresent.length,
          usersStillPresent: doc.verification.usersStillPresent.length,
          commentsNotRedacted: doc.verification.commentsNotRedacted.length,
        }
      : null,
    residue: doc.residue,
    zendeskDeletion: doc.zendeskDeletion ?? null,
    hashing: HASHING,
  };
  const parsed = Receipt.parse(receipt);
  // Free text typed by staff (override reasons, names) is the one place personal data could slip in.
  assertNoPersonalData(parsed);
  return parsed;
}

/** An instant as a reader writes it, in UTC so every copy of the receipt reads the same. */
const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

const esc = (s: unknown): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function receiptHtml(r: Receipt): string {
  const rows = (pairs: Array<[string, unknown]>): string => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const table = (head: string[], body: unknown[][]): string =>
    body.length === 0
      ? '<p>None.</p>'
      : `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body
          .map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Deletion receipt${r.request ? ` for ${esc(r.request.reference)}` : ''} (${esc(r.runId)})</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-size:12px;word-break:break-all}</style></head><body>
<h1>Deletion receipt${r.request ? ` for ${esc(r.request.reference)}` : ''}</h1>
<p>This receipt records an erasure carried out with Lethe. It holds no personal data: people, accounts and tickets are named by keyed hashes (${esc(r.hashing)}).</p>
<h2>Summary</h2><table>${rows([
    ['Request', r.request ? r.request.reference : 'not planned from a request'],
    ['Regulation', wordFor(REGULATION_NAMES, r.regulation)],
    ['Erasure run', r.runId],
    ['Workspace', r.workspaceRef],
    ['Subject reference', r.subjectRef],
    ['Cache data as of', r.dataAsOf ? when(r.dataAsOf) : 'never fully synced'],
    ['Planned', when(r.plannedAt)],
    ['Started', r.startedAt ? when(r.startedAt) : '—'],
    ['Finished', when(r.finishedAt)],
    ['Prepared by', r.preparedBy ?? 'not recorded (a plan made before preparers were kept)'],
    ['Approved by', r.approval ? `${r.approval.approver}, ${when(r.approval.at)}` : 'no second-person approval recorded'],
  ])}</table>
<h2>Where Lethe looked</h2>${table(
    ['Surface', 'Searched', 'As of', 'Found', 'Decisions', 'Left after verification'],
    (r.surfaces ?? []).map((c) => [
      labelOf(c.surface),
      c.searched ? 'yes' : `no: ${(c.reason ?? 'unknown').replaceAll('_', ' ')}`,
      c.asOf ? when(c.asOf) : '—',
      c.found ?? '—',
      Object.entries(c.byDecision)
        .map(([d, n]) => `${d} ${n}`)
        .join(', ') || '—',
      c.leftAfterVerification ?? '—',
    ]),
  )}
<h2>What was done</h2><table>${rows(Object.entries(r.counts).map(([k, v]) => [wordFor(COUNT_WORDS, k), v]))}</table>
<h2>Verification against the helpdesk</h2>${
    r.verification
      ? `<table>${rows(Object.entries(r.verification).map(([k, v]) => [wordFor(VERIFICATION_WORDS, k), k === 'at' ? when(String(v)) : valueInWords(k, v)]))}</table>`
      : '<p>Not run.</p>'
  }
<h2>Zendesk’s own deletion status</h2><p>${esc(zendeskDeletionSentence(r.zendeskDeletion))}.</p>${
    r.zendeskDeletion && r.zendeskDeletion.accounts.length > 0
      ? table(
          ['Account', 'Product', 'Status', 'Reported at'],
          r.zendeskDeletion.accounts.flatMap((a) =>
            a.applications.length === 0
              ? [[a.accountRef, '—', a.requested ? 'requested' : 'not reported', '']]
              : a.applications.map((x) => [a.accountRef, x.application, x.status, x.at]),
          ),
        )
      : ''
  }
<h2>Copies left in Lethe's local cache</h2>${
    r.residue ? `<table>${rows(Object.entries(r.residue).map(([k, v]) => [wordFor(RESIDUE_WORDS, k), v]))}</table>` : '<p>Not scanned.</p>'
  }
<h2>Kept under an exemption</h2>${table(
    ['Ticket', 'Rule', 'Ground', 'Legal basis'],
    r.exemptions.map((e) => [e.ticketRef, e.rule, wordFor(GROUND_WORDS, e.ground), e.citations.join('; ')]),
  )}
<h2>Blocked</h2>${table(
    ['What', 'Reference', 'Why'],
    r.blocked.map((b) => [wordFor(TARGET_WORDS, b.target), b.ref, wordFor(REASON_WORDS, b.reasonCode)]),
  )}
<h2>Decisions changed by an officer</h2>${table(
    ['What', 'Reference', 'Proposed', 'Decided', 'Reason', 'When'],
    r.overrides.map((o) => [wordFor(TARGET_WORDS, o.target), o.ref, o.from, o.to, o.reason, when(o.at)]),
  )}
<h2>Operations in the helpdesk</h2>${table(
    ['Operation', 'Items', 'Outcome', 'Attempts', 'Helpdesk job', 'Finished', 'Id'],
    r.operations.map((o) => [
      wordFor(OPERATION_WORDS, o.kind),
      o.targets,
      wordFor(STATE_WORDS, o.state),
      o.attempts,
      o.jobId ?? '—',
      o.finishedAt ? when(o.finishedAt) : '—',
      o.id,
    ]),
  )}
</body></html>
`;
}

/** Written like an archive: atomically, 0600, under the data directory's receipts folder. */
export async function saveReceipt(dataDir: string, workspaceId: string, receipt: Receipt): Promise<{ json: string; html: string }> {
  const dir = join(dataDir, 'receipts', workspaceId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const json = join(dir, `erasure-${receipt.runId}.json`);
  const html = join(dir, `erasure-${receipt.runId}.html`);
  await writeFileAtomic(json, `${JSON.stringify(receipt, null, 2)}\n`);
  await writeFileAtomic(html, receiptHtml(receipt));
  return { json, html };
}
