// Longer than ~400 lines on purpose: the request page's cards (deadline, verification, status,
// extension, requester, links), each a small component sharing the request and its mutation hook;
// letters are already apart (LettersCard).
import { useState } from 'react';
import type { Request, RequestStatus } from '../../../../shared/contract/groups/requests';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SubmitRow } from '../../components/SubmitRow';
import { Options } from '../../components/Options';
import { DueCell } from './DueCell';
import { LettersCard } from './LettersCard';
import {
  CHANNEL_LABELS,
  METHOD_LABELS,
  REGULATION_LABELS,
  STATUSES,
  STATUS_LABELS,
  TYPE_LABELS,
  VERIFICATION_METHODS,
  formatDate,
  formatInstant,
  isClosedStatus,
} from './labels';
import { useRegisterMutation, useRegisterQuery } from './register-api';
import { TeamCopyBanner } from '../../components/TeamCopyBanner';
import { useDraftVersion } from './draft-version';
import { Timeline } from './Timeline';

const WARNING_TEXT: Record<string, string> = {
  extension_not_available: 'This rule allows no extension.',
  extension_notice_missing: 'Extended without a recorded notice date: record when the requester was told.',
  extension_notice_late: 'The extension notice was sent after the deadline for it: the extension may not hold.',
};

function DeadlineCard({ r }: { r: Request }): React.JSX.Element {
  const d = r.deadlines;
  return (
    <section className="card" aria-labelledby="deadline-title">
      <h2 id="deadline-title">Deadline</h2>
      {d ? (
        <>
          <p className="deadline-main">
            <DueCell request={r} />
          </p>
          <dl className="facts">
            <dt>Received</dt>
            <dd>
              {formatInstant(r.receivedAt, r.timeZone)} ({r.timeZone})
            </dd>
            {d.acknowledgeBy ? (
              <>
                <dt>Acknowledge by</dt>
                <dd>{formatDate(d.acknowledgeBy)}</dd>
              </>
            ) : null}
            <dt>{d.extended ? 'Initial deadline' : 'Due'}</dt>
            <dd>{formatDate(d.initialDue)}</dd>
            {d.extensionNoticeBy ? (
              <>
                <dt>Extension notice by</dt>
                <dd>{formatDate(d.extensionNoticeBy)}</dd>
              </>
            ) : null}
            {d.extendedDue ? (
              <>
                <dt>{d.extended ? 'Extended to' : 'If extended'}</dt>
                <dd>{formatDate(d.extendedDue)}</dd>
              </>
            ) : null}
            <dt>Basis</dt>
            <dd>{d.basis}</dd>
          </dl>
          <details>
            <summary>How this date was computed</summary>
            <p>{d.rule}</p>
          </details>
          {d.warnings.map((w) => (
            <p key={w} className="banner banner-warn" role="status">
              {WARNING_TEXT[w] ?? w}
            </p>
          ))}
        </>
      ) : (
        <p className="muted">
          No statutory rule applies to a {TYPE_LABELS[r.type].toLowerCase()} request under {REGULATION_LABELS[r.regulation]}.
        </p>
      )}
    </section>
  );
}

function VerificationCard({ r }: { r: Request }): React.JSX.Element {
  const verify = useRegisterMutation('requests.verify');
  const [method, setMethod] = useState<(typeof VERIFICATION_METHODS)[number]>('data_points');
  const [points, setPoints] = useState('');
  const [by, setBy] = useState('');
  const draft = useDraftVersion(r.version, points !== '' || by !== '');
  const v = r.verification;
  const closed = isClosedStatus(r.status);
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Identity verification</h2>
      {v ? (
        <dl className="facts">
          <dt>Method</dt>
          <dd>{METHOD_LABELS[v.method]}</dd>
          <dt>Data points matched</dt>
          <dd>{v.dataPointsMatched.join(', ')}</dd>
          <dt>By</dt>
          <dd>{v.verifiedBy}</dd>
          <dt>When</dt>
          <dd>{formatInstant(v.verifiedAt)}</dd>
        </dl>
      ) : (
        <p className="muted">Not verified yet. This request is hidden from the default queue until it is.</p>
      )}
      {!v && !closed ? (
        <form
          className="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const dataPointsMatched = points
              .split(/[,\n]/)
              .map((p) => p.trim())
              .filter(Boolean);
            await verify.run({ id: r.id, method, dataPointsMatched, verifiedBy: by.trim(), ...draft.expected });
          }}
        >
          <label htmlFor="v-method">Method</label>
          <select id="v-method" value={method} onChange={(e) => setMethod(e.target.value as (typeof VERIFICATION_METHODS)[number])}>
            <Options values={VERIFICATION_METHODS} label={(m) => METHOD_LABELS[m]} />
          </select>
          <label htmlFor="v-points">Data points matched</label>
          <input
            id="v-points"
            value={points}
            onChange={(e) => setPoints(e.target.value)}
            placeholder="e-mail address, last ticket number"
            required
          />
          <p className="hint">Names of what matched, never the values, and never a copy of an identity document.</p>
          <label htmlFor="v-by">Verified by</label>
          <input id="v-by" value={by} onChange={(e) => setBy(e.target.value)} maxLength={200} required />
          {verify.error ? <ErrorBanner error={verify.error} title="The verification was not recorded" /> : null}
          {verify.error?.code === 'conflict' && draft.stale ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                draft.restart();
                verify.reset();
              }}
            >
              Check it against the current request and record it again
            </button>
          ) : null}
          <SubmitRow label="Record verification" pending={verify.pending} />
        </form>
      ) : null}
    </section>
  );
}

function StatusCard({ r }: { r: Request }): React.JSX.Element {
  const setStatus = useRegisterMutation('requests.setStatus');
  const [status, setStatusValue] = useState<RequestStatus>(r.status);
  // Team mode: the version this form was filled against, so a change by another officer since is
  // a conflict rather than overwritten.
  const [baseVersion, setBaseVersion] = useState(r.version);
  const [reason, setReason] = useState('');
  const [article, setArticle] = useState('');
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <p>
        <span className={`status status-${r.status}`}>{STATUS_LABELS[r.status]}</span>
        {r.closedAt ? <span className="muted"> since {formatInstant(r.closedAt)}</span> : null}
      </p>
      {r.status === 'denied' ? (
        <dl className="facts">
          <dt>Reason</dt>
          <dd>{r.statusReason}</dd>
          <dt>Article</dt>
          <dd>{r.denialArticle}</dd>
        </dl>
      ) : null}
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const done = await setStatus.run({
            id: r.id,
            status,
            ...(status === 'denied' ? { reason, article } : {}),
            ...(baseVersion !== undefined ? { expectedVersion: baseVersion } : {}),
          });
          if (done) setBaseVersion(done.version);
        }}
      >
        <label htmlFor="s-status">Move to</label>
        <select id="s-status" value={status} onChange={(e) => setStatusValue(e.target.value as RequestStatus)}>
          <Options values={STATUSES} label={(s) => STATUS_LABELS[s]} />
        </select>
        {status === 'denied' ? (
          <>
            <label htmlFor="s-reason">Reason (the requester will read it)</label>
            <textarea id="s-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required />
            <label htmlFor="s-article">Article relied on</label>
            <input
              id="s-article"
              value={article}
              onChange={(e) => setArticle(e.target.value)}
              placeholder="GDPR Art. 12(5)(b)"
              required
              maxLength={200}
            />
          </>
        ) : null}
        {setStatus.error ? <ErrorBanner error={setStatus.error} title="The status was not changed" /> : null}
        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={setStatus.pending || (status === r.status && status !== 'denied')}
          >
            Change status
          </button>
        </div>
      </form>
    </section>
  );
}

function ExtensionCard({ r }: { r: Request }): React.JSX.Element | null {
  const extend = useRegisterMutation('requests.extend');
  const [reason, setReason] = useState('');
  const [noticeDate, setNoticeDate] = useState('');
  const draft = useDraftVersion(r.version, reason !== '' || noticeDate !== '');
  if (r.extension) {
    return (
      <section className="card" aria-labelledby="ext-title">
        <h2 id="ext-title">Extension</h2>
        <dl className="facts">
          <dt>Reason</dt>
          <dd>{r.extension.reason}</dd>
          <dt>Requester told</dt>
          <dd>{r.extension.noticeAt ? formatInstant(r.extension.noticeAt) : <span className="text-danger">not recorded</span>}</dd>
          <dt>Recorded</dt>
          <dd>{formatInstant(r.extension.extendedAt)}</dd>
        </dl>
      </section>
    );
  }
  if (isClosedStatus(r.status) || !r.deadlines?.extendedDue) return null;
  return (
    <section className="card" aria-labelledby="ext-title">
      <h2 id="ext-title">Extend the deadline</h2>
      <p className="muted">
        To {formatDate(r.deadlines.extendedDue)}; the requester must be told, with the reasons, by{' '}
        {r.deadlines.extensionNoticeBy ? formatDate(r.deadlines.extensionNoticeBy) : 'the first deadline'}.
      </p>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const noticeAt = noticeDate ? new Date(noticeDate).toISOString() : undefined;
          await extend.run({ id: r.id, reason, ...(noticeAt ? { noticeAt } : {}), ...draft.expected });
        }}
      >
        <label htmlFor="e-reason">Reason</label>
        <textarea id="e-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />
        <label htmlFor="e-notice">Requester told on</label>
        <input id="e-notice" type="datetime-local" value={noticeDate} onChange={(e) => setNoticeDate(e.target.value)} />
        {extend.error ? <ErrorBanner error={extend.error} title="The deadline was not extended" /> : null}
        {extend.error?.code === 'conflict' && draft.stale ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              draft.restart();
              extend.reset();
            }}
          >
            Check it against the current request and extend again
          </button>
        ) : null}
        <div className="button-row">
          <button type="submit" className="button" disabled={extend.pending}>
            Extend
          </button>
        </div>
      </form>
    </section>
  );
}

function RequesterCard({ r }: { r: Request }): React.JSX.Element {
  const update = useRegisterMutation('requests.update');
  const [owner, setOwner] = useState(r.owner ?? '');
  const [notes, setNotes] = useState(r.notes);
  // Team mode: the request as it was when the draft started. Another officer's change refreshes an
  // untouched form; a draft in progress is kept, and saving it is then a conflict, never a silent
  // overwrite of their change nor a silent loss of this one.
  const [base, setBase] = useState({ owner: r.owner ?? '', notes: r.notes, version: r.version });
  const baseVersion = base.version;
  const dirty = owner !== base.owner || notes !== base.notes;
  const discardDraft = () => {
    setOwner(r.owner ?? '');
    setNotes(r.notes);
    setBase({ owner: r.owner ?? '', notes: r.notes, version: r.version });
    update.reset();
  };
  // Adjusted while rendering (React's pattern for state derived from a changed prop).
  if (r.version !== undefined && r.version !== base.version && !dirty) {
    setOwner(r.owner ?? '');
    setNotes(r.notes);
    setBase({ owner: r.owner ?? '', notes: r.notes, version: r.version });
  }
  const setBaseVersion = (version: number | undefined) => setBase({ owner, notes, version });
  const q = r.requester;
  return (
    <section className="card" aria-labelledby="requester-title">
      <h2 id="requester-title">Requester</h2>
      {q.purgedAt ? (
        <p className="muted">Contact details purged on {formatInstant(q.purgedAt)} (retention).</p>
      ) : (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{q.name ?? '—'}</dd>
          <dt>E-mail</dt>
          <dd>{q.email ?? '—'}</dd>
          <dt>Phone</dt>
          <dd>{q.phone ?? '—'}</dd>
          <dt>Channel</dt>
          <dd>{CHANNEL_LABELS[r.channel]}</dd>
          <dt>Helpdesk user</dt>
          <dd>
            {r.subjectId !== null ? (
              <a href={hrefFor('subjects', [`subj_${r.subjectId}`], { request: r.id })}>Open the dossier of helpdesk user {r.subjectId}</a>
            ) : (
              'not linked yet'
            )}
          </dd>
        </dl>
      )}
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          const done = await update.run({ id: r.id, owner, notes, ...(baseVersion !== undefined ? { expectedVersion: baseVersion } : {}) });
          if (done) setBaseVersion(done.version);
        }}
      >
        <label htmlFor="u-owner">Owner</label>
        <input id="u-owner" value={owner} onChange={(e) => setOwner(e.target.value)} maxLength={200} />
        <label htmlFor="u-notes">Notes</label>
        <textarea id="u-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={20000} />
        {update.error ? <ErrorBanner error={update.error} title="The request was not updated" /> : null}
        {update.error?.code === 'conflict' && baseVersion !== undefined ? (
          <button type="button" className="button" onClick={discardDraft}>
            Discard my draft and show the current request
          </button>
        ) : null}
        <div className="button-row">
          <button type="submit" className="button" disabled={update.pending || (owner === (r.owner ?? '') && notes === r.notes)}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

function LinksCard({ r }: { r: Request }): React.JSX.Element {
  return (
    <section className="card" aria-labelledby="links-title">
      <h2 id="links-title">Archives, erasure runs and receipts</h2>
      {r.links.length === 0 ? (
        <p className="muted">
          Nothing linked yet. Archives, erasure runs and receipts made for this request appear here with their hashes.
        </p>
      ) : (
        <ul className="links">
          {r.links.map((l) => (
            <li key={`${l.kind}:${l.ref}`}>
              <span className="pill pill-muted">{l.kind.replace('_', ' ')}</span> {l.ref}{' '}
              <span className="muted">· {formatInstant(l.at)}</span>
              {l.sha256 ? <code className="hash">sha256 {l.sha256}</code> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function RequestDetail({ id }: { id: string }): React.JSX.Element {
  const detail = useRegisterQuery('requests.get', { id });
  const r = detail.data?.request;
  return (
    <section className="page request-detail" aria-labelledby="page-title">
      <p>
        <a href={hrefFor('requests')}>← All requests</a>
      </p>
      {detail.loading ? (
        <>
          <h1 id="page-title">Request</h1>
          <p className="muted" role="status">
            Loading the request…
          </p>
        </>
      ) : detail.error ? (
        <>
          <h1 id="page-title">Request</h1>
          <ErrorBanner error={detail.error} onRetry={detail.reload} title="The request could not be read" />
        </>
      ) : r && detail.data ? (
        <>
          <header className="page-header">
            <h1 id="page-title">
              {r.reference} · {TYPE_LABELS[r.type]} · {REGULATION_LABELS[r.regulation]}
            </h1>
            <p className="muted">
              <span className={`status status-${r.status}`}>{STATUS_LABELS[r.status]}</span> · received{' '}
              {formatInstant(r.receivedAt, r.timeZone)} · owner{' '}
              <span className="request-owner" title={r.owner ?? undefined}>
                {r.owner ?? 'unassigned'}
              </span>
            </p>
          </header>
          <TeamCopyBanner team={detail.data.team} />
          {/* Offline (the team's last copy), every control is disabled: nothing can be changed or queued. */}
          <fieldset className="detail-grid" disabled={detail.data.team?.offline === true}>
            <div className="detail-main">
              <DeadlineCard r={r} />
              <StatusCard key={`${r.status}-${r.updatedAt}`} r={r} />
              <ExtensionCard r={r} />
              <LettersCard r={r} />
              <Timeline entries={detail.data.timeline} />
            </div>
            <div className="detail-side">
              <VerificationCard r={r} />
              {/* Locally the card starts afresh after each save; in team mode it follows versions itself. */}
              <RequesterCard key={r.version !== undefined ? r.id : r.updatedAt} r={r} />
              <LinksCard r={r} />
            </div>
          </fieldset>
        </>
      ) : null}
    </section>
  );
}
