// Longer than ~400 lines on purpose: the erasure steps on one page (subject, preview with reasons,
// overrides, confirmation, run, verification) share one plan and its polling; each step is its own
// component below.
import { useEffect, useRef, useState } from 'react';
import { REGULATIONS, type ErasurePlan, type Regulation, type RunStatus } from '../../../../shared/contract/groups/erasure';
import type { ErrorCode } from '../../../../shared/errors';
import { ApiError } from '../../api/client';
import { hrefFor, navigateTo, useHashLocation } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useApi } from '../../api/hooks';
import { saveReceiptFile, type SaveOutcome } from '../subjects/export-file';
import { useErasureMutation, useErasureQuery } from './erasure-api';
import { byRole, DECISION_LABELS, DECISION_ORDER, formatBytes, formatInstant } from './labels';
import { ConfirmMentions, MentionList } from './Mentions';
import { PlanSurfaces } from './PlanSurfaces';
import { PlanTable, type OverrideRequest } from './PlanTable';
import './erasure.css';

const REGULATION_LABELS: Record<Regulation, string> = { gdpr: 'GDPR', uk_gdpr: 'UK GDPR', ccpa: 'CCPA/CPRA', lgpd: 'LGPD' };

function SubjectForm({
  initial,
  onPlan,
  pending,
}: {
  initial: string;
  onPlan: (subject: string, regulation: Regulation) => void;
  pending: boolean;
}): React.JSX.Element {
  const [subject, setSubject] = useState(initial);
  const [regulation, setRegulation] = useState<Regulation>('gdpr');
  return (
    <form
      className="card erasure-subject-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (subject.trim()) onPlan(subject.trim(), regulation);
      }}
    >
      <label className="grow">
        Subject&apos;s e-mail
        <input
          type="email"
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          placeholder="jane@example.com"
          required
          maxLength={254}
        />
      </label>
      <label>
        Regulation
        <select value={regulation} onChange={(e) => setRegulation(e.target.value as Regulation)}>
          {REGULATIONS.map((r) => (
            <option key={r} value={r}>
              {REGULATION_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? 'Computing…' : 'Preview erasure'}
      </button>
    </form>
  );
}

function Counts({ plan }: { plan: ErasurePlan }): React.JSX.Element {
  const c = plan.counts;
  return (
    <div className="erasure-counts" aria-label="Impact">
      {DECISION_ORDER.map((d) => (
        <div key={d} className={`erasure-count erasure-count-${d}`}>
          <strong>{c.tickets[d]}</strong>
          <span>{DECISION_LABELS[d]}</span>
        </div>
      ))}
      <div className="erasure-count">
        <strong>{c.commentsToRedact + c.mentionCommentsToRedact}</strong>
        <span>comments to redact ({c.mentionCommentsToRedact} mentions)</span>
      </div>
      <div className="erasure-count">
        <strong>{c.attachmentsToRedact}</strong>
        <span>attachments redacted · {formatBytes(c.attachmentBytesToRedact)}</span>
      </div>
      <div className="erasure-count">
        <strong>{formatBytes(c.attachmentBytesToDelete)}</strong>
        <span>attachments deleted with tickets</span>
      </div>
      <div className="erasure-count">
        <strong>{c.otherPeople.endUsers + c.otherPeople.agents}</strong>
        <span>
          other people affected: {c.otherPeople.endUsers} end users, {c.otherPeople.agents} agents ({byRole(c.otherPeople.byRole)})
        </span>
      </div>
      <div className="erasure-count">
        <strong>{c.mentionsForReview}</strong>
        <span>mentions in other people&apos;s tickets flagged for review</span>
      </div>
    </div>
  );
}

function Accounts({
  plan,
  editable,
  onOverride,
  pending,
}: {
  plan: ErasurePlan;
  editable: boolean;
  onOverride: (o: OverrideRequest) => Promise<boolean>;
  pending: boolean;
}): React.JSX.Element {
  const [reason, setReason] = useState<Record<number, string>>({});
  return (
    <table className="table erasure-accounts">
      <thead>
        <tr>
          <th scope="col">Account</th>
          <th scope="col">Role</th>
          <th scope="col">Decision</th>
          <th scope="col">Reason</th>
          {editable ? <th scope="col">Override</th> : null}
        </tr>
      </thead>
      <tbody>
        {plan.accounts.map((a) => (
          <tr key={a.userId}>
            <td>
              <code>#{a.userId}</code>
            </td>
            <td>{a.role}</td>
            <td>
              <span className={`pill erasure-pill-${a.decision}`}>
                {a.decision === 'delete' ? 'Delete, then delete permanently; sessions revoked' : a.decision}
              </span>
            </td>
            <td>
              {a.reason}
              {a.fix ? <div className="erasure-fix">Fix: {a.fix.description}</div> : null}
              {a.override ? <div className="erasure-override">Overridden: {a.override.reason}</div> : null}
            </td>
            {editable ? (
              <td>
                <form
                  className="erasure-inline"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void onOverride({
                      target: 'account',
                      id: a.userId,
                      decision: a.decision === 'delete' ? 'keep' : 'delete',
                      reason: (reason[a.userId] ?? '').trim(),
                    });
                  }}
                >
                  <input
                    aria-label={`Reason to override account ${a.userId}`}
                    placeholder="Reason"
                    value={reason[a.userId] ?? ''}
                    onChange={(e) => setReason({ ...reason, [a.userId]: e.target.value })}
                    minLength={3}
                    required
                  />
                  <button type="submit" className="button button-small" disabled={pending || (reason[a.userId] ?? '').trim().length < 3}>
                    {a.decision === 'delete'
                      ? 'Keep instead'
                      : a.fix?.action === 'close_tickets'
                        ? 'Accept fix and delete'
                        : 'Delete instead'}
                  </button>
                </form>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Differences({ plan }: { plan: ErasurePlan }): React.JSX.Element | null {
  const r = plan.revalidation;
  if (!r) return null;
  return (
    <section className={`banner ${r.differences.length ? 'banner-warn' : 'banner-ok'}`} role="status" aria-label="Live check">
      <div>
        <strong>
          Checked against the live helpdesk at {formatInstant(r.at)}:{' '}
          {r.differences.length === 0 ? 'no differences.' : `${r.differences.length} difference(s).`}
        </strong>
        {r.differences.length ? (
          <ul>
            {r.differences.map((d, i) => (
              <li key={i}>
                {d.target} #{d.id}: {d.detail}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

function Confirm({
  plan,
  onConfirm,
  pending,
}: {
  plan: ErasurePlan;
  onConfirm: (mentionsReviewed: number) => void;
  pending: boolean;
}): React.JSX.Element {
  const [typed, setTyped] = useState('');
  // Mentions left for review are kept as they are: only once the officer says so (#19 item 6).
  const [acknowledged, setAcknowledged] = useState(false);
  const c = plan.counts;
  const reviewed = c.mentionsForReview === 0 || acknowledged;
  const ok = typed.trim().toLowerCase() === plan.subject.email.toLowerCase() && reviewed;
  return (
    <section className="card erasure-confirm" aria-labelledby="erasure-confirm-title">
      <h2 id="erasure-confirm-title">Erase {plan.subject.email}</h2>
      <p>
        This permanently deletes <strong>{c.tickets.delete}</strong> ticket(s), redacts the subject in <strong>{c.tickets.redact}</strong>{' '}
        shared ticket(s) ({c.commentsToRedact + c.mentionCommentsToRedact} comments, {c.attachmentsToRedact} attachments), and deletes{' '}
        <strong>{c.accounts.delete}</strong> account(s) permanently. {c.tickets.keep} ticket(s) are kept under an exemption. It cannot be
        undone.
      </p>
      <ConfirmMentions plan={plan} acknowledged={acknowledged} onAcknowledge={setAcknowledged} />
      <label>
        Type the subject&apos;s e-mail to confirm
        <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-describedby="erasure-confirm-title" autoComplete="off" />
      </label>
      {reviewed ? null : (
        <p className="erasure-fix" role="note">
          Confirm the {c.mentionsForReview} mention(s) kept after review above before erasing.
        </p>
      )}
      <button type="button" className="button button-danger" disabled={!ok || pending} onClick={() => onConfirm(c.mentionsForReview)}>
        {pending ? 'Starting…' : `Erase: delete ${c.tickets.delete}, redact ${c.tickets.redact}`}
      </button>
    </section>
  );
}

/** The finished run's receipt as a download (browser) or a save dialog (desktop), with where it is kept. */
function ReceiptDownload({ status }: { status: RunStatus }): React.JSX.Element {
  const api = useApi();
  const [outcome, setOutcome] = useState<SaveOutcome | null>(null);
  const save = (format: 'html' | 'json') => void saveReceiptFile(api, status.workspaceId, status.runId, format).then(setOutcome);
  return (
    <div className="erasure-receipt">
      <h3>Deletion receipt</h3>
      <p className="hint">
        What was done, on what grounds and with whose approval, without personal data. Kept in <code>{status.receipt?.html}</code>.
      </p>
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={() => save('html')}>
          Download receipt
        </button>
        <button type="button" className="button" onClick={() => save('json')}>
          Download as JSON
        </button>
      </div>
      {outcome?.kind === 'saved' ? <p role="status">{outcome.where ? `Saved to ${outcome.where}.` : 'Downloaded.'}</p> : null}
      {outcome?.kind === 'unsupported' ? <p role="alert">{outcome.message}</p> : null}
    </div>
  );
}

function RunView({ status }: { status: RunStatus }): React.JSX.Element {
  const o = status.operations;
  const total = o.planned + o.sent + o.done + o.failed + o.skipped;
  const settled = o.done + o.failed + o.skipped;
  return (
    <section className="card erasure-run" aria-labelledby="erasure-run-title" aria-live="polite">
      <h2 id="erasure-run-title">
        Run: {status.state.replace('_', ' ')} · {status.phase}
      </h2>
      <progress max={Math.max(1, total)} value={settled} aria-label="Operations settled" />
      <p>
        {o.done} done, {o.failed} failed, {o.skipped} skipped, {o.planned + o.sent} to go · {status.apiCalls} API calls
      </p>
      {status.error ? (
        <ErrorBanner
          error={new ApiError({ code: status.error.code as ErrorCode, message: status.error.message })}
          title="The run stopped; resume it to continue"
        />
      ) : null}
      {status.failures.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Operation</th>
              <th scope="col">Targets</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {status.failures.map((f) => (
              <tr key={f.opId}>
                <td>{f.kind}</td>
                <td>{f.targets.join(', ')}</td>
                <td>
                  <code>{f.code}</code> {f.message}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {status.verification ? (
        <p className={status.verification.ok ? 'erasure-ok' : 'erasure-bad'}>
          Verification: {status.verification.ticketsGone} ticket(s) answer 404, {status.verification.usersGone} account(s) gone,{' '}
          {status.verification.commentsRedacted} comment(s) read redacted
          {status.verification.ok
            ? '.'
            : `; still present: ${status.verification.ticketsStillPresent.length + status.verification.usersStillPresent.length + status.verification.commentsNotRedacted.length}.`}
        </p>
      ) : null}
      {status.residue ? (
        <p>
          Left in the local cache: {status.residue.total} (kept tickets {status.residue.keptTickets}, other comments{' '}
          {status.residue.otherComments}, profiles {status.residue.otherProfiles}).
        </p>
      ) : null}
      {status.receipt ? <ReceiptDownload status={status} /> : null}
    </section>
  );
}

function PlanView({ planId, workspaceId }: { planId: string; workspaceId?: string | undefined }): React.JSX.Element {
  const ws = workspaceId ? { workspaceId } : {};
  const plan = useErasureQuery('erasure.getPlan', { ...ws, planId });
  const running = plan.data?.state === 'running';
  const status = useErasureQuery(
    'erasure.status',
    { ...ws, runId: planId },
    { enabled: plan.data !== undefined && plan.data.state !== 'draft', refetchMs: running ? 1000 : false },
  );
  const override = useErasureMutation('erasure.override');
  const chooseName = useErasureMutation('erasure.chooseName');
  const approve = useErasureMutation('erasure.approve');
  const revalidate = useErasureMutation('erasure.revalidate');
  const execute = useErasureMutation('erasure.execute');
  const [filter, setFilter] = useState<'all' | (typeof DECISION_ORDER)[number]>('all');
  const [search, setSearch] = useState('');
  const [approver, setApprover] = useState('');
  if (plan.loading) return <p className="muted">Loading the plan…</p>;
  if (plan.error) return <ErrorBanner error={plan.error} onRetry={plan.reload} title="The plan could not be loaded" />;
  const p = plan.data!;
  const draft = p.state === 'draft';
  const onOverride = async (o: OverrideRequest): Promise<boolean> => (await override.run({ ...ws, planId, ...o })) !== undefined;
  const shown = p.tickets.filter(
    (t) => (filter === 'all' || t.decision === filter) && (!search.trim() || String(t.ticketId).includes(search.trim())),
  );
  return (
    <div className="erasure-plan">
      <header className="erasure-plan-header">
        <div>
          <h2>{p.subject.email || 'Erased subject'}</h2>
          <p className="muted">
            {p.request ? (
              <>
                For <a href={hrefFor('requests', [p.request.id])}>{p.request.reference}</a> ·{' '}
              </>
            ) : null}
            {p.subject.userIds.length} account(s) · {REGULATION_LABELS[p.regulation]} · data as of {formatInstant(p.dataAsOf)} · planned{' '}
            {formatInstant(p.createdAt)}
            {p.subject.relatedAccounts.length
              ? ` · ${p.subject.relatedAccounts.length} suggested account(s) not confirmed as this person, left out`
              : ''}
          </p>
        </div>
        <code className="muted" title="Plan id">
          {p.id}
        </code>
      </header>
      <Counts plan={p} />
      {override.error ? <ErrorBanner error={override.error} title="The override was not saved" /> : null}
      <div className="erasure-filters" role="group" aria-label="Filter tickets by decision">
        {(['all', ...DECISION_ORDER] as const).map((d) => (
          <button
            key={d}
            type="button"
            className={`button button-small ${filter === d ? 'button-primary' : ''}`}
            aria-pressed={filter === d}
            onClick={() => setFilter(d)}
          >
            {d === 'all' ? `All (${p.tickets.length})` : `${DECISION_LABELS[d]} (${p.counts.tickets[d]})`}
          </button>
        ))}
        <input
          className="erasure-search"
          aria-label="Find a ticket by number"
          placeholder="Ticket #"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      {shown.length ? (
        <PlanTable tickets={shown} editable={draft} onOverride={onOverride} overridePending={override.pending} />
      ) : (
        <p className="muted">No ticket matches this filter.</p>
      )}
      <h3>Accounts</h3>
      <Accounts plan={p} editable={draft} onOverride={onOverride} pending={override.pending} />
      <MentionList
        plan={p}
        editable={draft}
        pending={chooseName.pending}
        onChooseName={(commentId, redact) => void chooseName.run({ ...ws, planId, commentId, redact })}
      />
      {chooseName.error ? <ErrorBanner error={chooseName.error} title="The choice about the name was not saved" /> : null}
      <PlanSurfaces plan={p} />
      {draft ? (
        <>
          <section className="card erasure-approval" aria-labelledby="erasure-approval-title">
            <h3 id="erasure-approval-title">Second-person approval {p.approvalRequired ? '(required)' : '(optional)'}</h3>
            {p.approval ? (
              <p>
                Approved by {p.approval.approver} at {formatInstant(p.approval.at)}
              </p>
            ) : (
              <form
                className="erasure-inline"
                onSubmit={(e) => {
                  e.preventDefault();
                  void approve.run({ ...ws, planId, approver: approver.trim() });
                }}
              >
                <input
                  aria-label="Approver's name"
                  placeholder="Approver's name"
                  value={approver}
                  onChange={(e) => setApprover(e.target.value)}
                  required
                  maxLength={200}
                />
                <button type="submit" className="button" disabled={approve.pending || !approver.trim()}>
                  Record approval
                </button>
              </form>
            )}
            {approve.error ? <ErrorBanner error={approve.error} title="The approval was not recorded" /> : null}
          </section>
          <div className="button-row">
            <button type="button" className="button" disabled={revalidate.pending} onClick={() => void revalidate.run({ ...ws, planId })}>
              {revalidate.pending
                ? 'Checking the live helpdesk…'
                : p.revalidation
                  ? 'Check again against the live helpdesk'
                  : 'Check against the live helpdesk'}
            </button>
          </div>
          {revalidate.error ? <ErrorBanner error={revalidate.error} title="The live check failed" /> : null}
          <Differences plan={p} />
          {p.revalidation && (!p.approvalRequired || p.approval) ? (
            <Confirm
              plan={p}
              pending={execute.pending}
              onConfirm={(mentionsReviewed) =>
                void execute.run({
                  ...ws,
                  planId,
                  confirm: {
                    subject: p.subject.email,
                    deleteTickets: p.counts.tickets.delete,
                    redactTickets: p.counts.tickets.redact,
                    mentionsReviewed,
                  },
                })
              }
            />
          ) : null}
          {execute.error ? <ErrorBanner error={execute.error} title="The erasure did not start" /> : null}
        </>
      ) : status.data ? (
        <RunView status={status.data} />
      ) : status.error ? (
        <ErrorBanner error={status.error} onRetry={status.reload} />
      ) : (
        <p className="muted">Loading the run…</p>
      )}
    </div>
  );
}

function RecentRuns(): React.JSX.Element | null {
  const runs = useErasureQuery('erasure.listRuns', {});
  if (runs.loading || runs.error || !runs.data?.runs.length) return null;
  return (
    <section aria-labelledby="erasure-runs-title">
      <h2 id="erasure-runs-title">Plans and runs</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Planned</th>
            <th scope="col">State</th>
            <th scope="col">Tickets</th>
            <th scope="col">Plan</th>
          </tr>
        </thead>
        <tbody>
          {runs.data.runs.map((r) => (
            <tr key={r.runId}>
              <td>{formatInstant(r.createdAt)}</td>
              <td>
                {r.state} · {r.phase}
              </td>
              <td>{r.tickets}</td>
              <td>
                <a href={`#/erasure?plan=${r.runId}`}>Open</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The Erasure page: subject → impact preview with reasons → overrides, approval, live check → run → verification and receipt. */
export function ErasurePage(): React.JSX.Element {
  const location = useHashLocation();
  const planId = location.query.get('plan');
  const subjectParam = location.query.get('subject') ?? '';
  // From a request's dossier: the plan takes the request's regulation and names it (#19 item 3).
  const requestParam = location.query.get('request');
  const plan = useErasureMutation('erasure.plan');
  const started = useRef<string | null>(null);
  const start = (subject: string, regulation: Regulation | null): void => {
    void plan.run({ subject, ...(regulation ? { regulation } : {}), ...(requestParam ? { requestId: requestParam } : {}) }).then((p) => {
      if (p) navigateTo('erasure', [], { plan: p.id });
    });
  };
  useEffect(() => {
    // Arriving from a dossier: compute the preview once (it is offline and only stores a draft).
    if (!planId && subjectParam && started.current !== subjectParam) {
      started.current = subjectParam;
      start(subjectParam, null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per subject in the address
  }, [planId, subjectParam]);
  return (
    <div className="page erasure-page">
      <header className="page-header">
        <h1>Erasure</h1>
        {planId ? (
          <a className="button" href="#/erasure">
            New preview
          </a>
        ) : null}
      </header>
      {planId ? (
        <PlanView key={planId} planId={planId} />
      ) : (
        <>
          <p className="hint">
            Preview what erasing a person touches, computed offline from the local cache: one decision per ticket and account, each with its
            reason. Nothing changes in the helpdesk until you confirm.
          </p>
          <SubjectForm initial={subjectParam.includes('@') ? subjectParam : ''} onPlan={start} pending={plan.pending} />
          {plan.error ? <ErrorBanner error={plan.error} title="No preview" /> : null}
          <RecentRuns />
        </>
      )}
    </div>
  );
}
