// Longer than ~400 lines on purpose: the dossier's sections in reading order with their pagers; the
// who section and the actions are already apart (DossierWho, SubjectActions). Others are changing it
// now; a split waits for that.
import { useMemo, useState } from 'react';
import {
  TICKET_ROLES,
  type Dossier,
  type DossierList,
  type DossierOffsets,
  type TicketRole,
} from '../../../../shared/contract/groups/subjects';
import { useMutation, useOperation } from '../../api/hooks';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { Options } from '../../components/Options';
import { AttachToRequest } from './AttachToRequest';
import { CoverageTable, CustomFields, SurfaceItems } from './CoverageTable';
import { DossierWho, PendingNotice } from './DossierWho';
import { ExportPanel } from './ExportPanel';
import { SuggestedLinks } from './SuggestedLinks';
import { ActionStateMarker } from '../actions/ActionStateMarker';
import { SubjectActions } from '../actions/SubjectActions';
import { formatBytes } from './export-file';
import { subjectsSearchHref } from './search-state';

type Section = 'tickets' | 'comments' | 'attachments' | 'mentions';
type Panel = 'access' | 'portability' | 'actions' | 'attach' | null;

export function DossierPage({
  subjectRef,
  exportKind,
  requestId = null,
}: {
  subjectRef: string;
  exportKind: string | null;
  /** The request the dossier was opened from (#19 item 3): actions, archives and erasure carry it. */
  requestId?: string | null;
}): React.JSX.Element {
  // Pages belong to one subject: opening another starts each list at its beginning.
  const [paging, setPaging] = useState<{ ref: string; offsets: DossierOffsets }>({ ref: subjectRef, offsets: {} });
  const offsets = paging.ref === subjectRef ? paging.offsets : {};
  const dossier = useOperation('subjects.show', { ref: subjectRef, offsets });
  // While another page loads, the current one stays on screen (with its filters) instead of the
  // whole dossier giving way to a loading message.
  const [shown, setShown] = useState<Dossier | undefined>(undefined);
  if (dossier.data && dossier.data !== shown) setShown(dossier.data);
  const current = dossier.data ?? (shown?.ref === subjectRef ? shown : undefined);
  const refresh = useMutation('sync.refreshSubject');
  const [panel, setPanel] = useState<Panel>(exportKind === 'access' || exportKind === 'portability' ? exportKind : null);
  const [section, setSection] = useState<Section>('tickets');
  const userId = Number(subjectRef.slice('subj_'.length));

  if (dossier.error) {
    return (
      <div className="dossier-page">
        <p>
          <a href={subjectsSearchHref()}>← Subjects</a>
        </p>
        <header className="page-header">
          <h1>Dossier of {subjectRef}</h1>
        </header>
        <ErrorBanner error={dossier.error} onRetry={dossier.reload} title="The dossier could not be built" />
      </div>
    );
  }
  if (!current) {
    return (
      <p className="muted" role="status">
        Building the dossier from the local cache…
      </p>
    );
  }
  const d = current;
  const s = d.summary;
  const pager = (list: DossierList) => (
    <Pager
      dossier={d}
      list={list}
      loading={dossier.loading}
      onOffset={(offset) => setPaging({ ref: subjectRef, offsets: { ...offsets, [list]: offset } })}
    />
  );
  const accountIds = d.accounts.map((a) => a.userId);
  return (
    <div className="dossier-page">
      <p>
        <a href={subjectsSearchHref()}>← Subjects</a>
      </p>
      {requestId ? <RequestContext requestId={requestId} /> : null}
      <header className="page-header dossier-header">
        <div>
          <h1>{d.displayName || d.ref}</h1>
          <p className="muted">
            {d.ref} · {d.accounts.length} account{d.accounts.length === 1 ? '' : 's'} · data as of{' '}
            {d.dataAsOf ? new Date(d.dataAsOf).toLocaleString() : 'never fully synced'}
          </p>
        </div>
      </header>
      <PendingNotice dossier={d} />
      <div className="dossier-layout">
        <div className="dossier-main">
          {/* Who first, then what is held, then where Lethe looked (a table of every surface, too tall to lead). */}
          <DossierWho dossier={d} />

          <h2 className="dossier-held-h">What is held</h2>
          <ul className="summary-cards" aria-label="Summary">
            <SummaryCard label="Accounts" value={s.accounts} />
            <SummaryCard label="Identities" value={s.identities} />
            <SummaryCard label="Organizations" value={s.organizations} />
            <SummaryCard
              label="Tickets"
              value={s.tickets}
              detail={TICKET_ROLES.filter((r) => s.ticketsByRole[r] > 0)
                .map((r) => `${s.ticketsByRole[r]} ${r}`)
                .join(', ')}
            />
            <SummaryCard label="Comments written" value={s.comments} />
            <SummaryCard label="Attachments" value={s.attachments} detail={formatBytes(s.attachmentBytes)} />
            <SummaryCard label="Mentions" value={s.mentions} detail="in other people's comments" />
          </ul>
          <CoverageTable dossier={d} />

          {/* Why each other account is (not) this person: after the facts, announced at the top while pending. */}
          <SuggestedLinks subjectRef={d.ref} suggestions={d.suggestions} truncated={d.suggestionsTruncated} requestId={requestId} />

          <div className="section-tabs" role="tablist" aria-label="Dossier lists">
            {(['tickets', 'comments', 'attachments', 'mentions'] as const).map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={section === name}
                className={section === name ? 'tab tab-active' : 'tab'}
                onClick={() => setSection(name)}
              >
                {name[0]!.toUpperCase() + name.slice(1)}
              </button>
            ))}
          </div>
          <div role="tabpanel">
            {section === 'tickets' ? <TicketList dossier={d} pager={pager('tickets')} /> : null}
            {section === 'comments' ? <CommentList dossier={d} pager={pager('comments')} /> : null}
            {section === 'attachments' ? <AttachmentList dossier={d} pager={pager('attachments')} /> : null}
            {section === 'mentions' ? <MentionList dossier={d} pager={pager('mentions')} /> : null}
          </div>
          <CustomFields dossier={d} />
          <SurfaceItems dossier={d} />
        </div>

        {/* Actions one click away, beside the data rather than above it. */}
        <aside className="dossier-side" aria-label="Actions on this person">
          <div className="dossier-toolbar" role="toolbar" aria-label="Dossier actions">
            <button type="button" className="button button-primary" onClick={() => setPanel(panel === 'access' ? null : 'access')}>
              Access archive…
            </button>
            <button type="button" className="button" onClick={() => setPanel(panel === 'portability' ? null : 'portability')}>
              Portability archive…
            </button>
            <a className="button" href={hrefFor('erasure', [], { subject: d.ref, ...(requestId ? { request: requestId } : {}) })}>
              Preview erasure
            </a>
            <button
              type="button"
              className="button"
              aria-expanded={panel === 'actions'}
              onClick={() => setPanel(panel === 'actions' ? null : 'actions')}
            >
              Restrict, rectify, object…
            </button>
            <button
              type="button"
              className="button"
              aria-expanded={panel === 'attach'}
              onClick={() => setPanel(panel === 'attach' ? null : 'attach')}
            >
              Attach to a request…
            </button>
            <button
              type="button"
              className="button"
              disabled={refresh.pending}
              onClick={() => void refresh.run({ userId }).then(() => dossier.reload())}
            >
              {refresh.pending ? 'Refreshing…' : 'Refresh this subject now'}
            </button>
          </div>
          {panel !== 'actions' ? <ActionStateMarker subjectRef={d.ref} /> : null}
          {d.pendingSuggestions > 0 && panel !== null ? (
            <p className="muted side-note">Only the {d.accounts.length} confirmed account(s) are included; suggested links are left out.</p>
          ) : null}
          {refresh.error ? <ErrorBanner error={refresh.error} title="The subject was not refreshed" /> : null}
          {panel === 'access' || panel === 'portability' ? (
            <ExportPanel key={panel} subjectRef={d.ref} initialKind={panel} initialRequestId={requestId} />
          ) : null}
          {panel === 'attach' ? <AttachToRequest userId={userId} /> : null}
          {panel === 'actions' ? <SubjectActions subjectRef={d.ref} userIds={accountIds} requestId={requestId ?? undefined} /> : null}
        </aside>
      </div>
    </div>
  );
}

/** The way back to the request this dossier serves, named by its reference and regulation. */
function RequestContext({ requestId }: { requestId: string }): React.JSX.Element {
  const request = useOperation('requests.get', { id: requestId });
  const r = request.data?.request;
  return (
    <p className="banner banner-info dossier-request" role="note">
      Working on{' '}
      <a href={hrefFor('requests', [requestId])}>
        {r ? `${r.reference} (${r.regulation.replace('_', ' ')} ${r.type} request)` : 'the request'}
      </a>
      : archives, actions, link decisions and the erasure preview started here are filed under it.
    </p>
  );
}

function SummaryCard({ label, value, detail }: { label: string; value: number; detail?: string }): React.JSX.Element {
  return (
    <li className="card summary-card">
      <span className="summary-value">{value}</span>
      <span className="summary-label">{label}</span>
      {detail ? <span className="muted summary-detail">{detail}</span> : null}
    </li>
  );
}

/** Page buttons under a list; the filters above it apply to the page on screen. */
function Pager({
  dossier,
  list,
  loading,
  onOffset,
}: {
  dossier: Dossier;
  list: DossierList;
  loading: boolean;
  onOffset: (offset: number) => void;
}): React.JSX.Element | null {
  const { offset, total } = dossier.pages[list];
  const limit = dossier.pages.limit;
  if (total <= limit && offset === 0) return null;
  const shownTo = Math.min(offset + dossier[list].length, total);
  return (
    <nav className="list-pager" aria-label={`Pages of ${list}`}>
      <button type="button" className="button" disabled={loading || offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        Previous {limit}
      </button>
      <span className="muted" role="status" aria-live="polite">
        {loading ? 'Loading…' : `${total === 0 ? 0 : offset + 1}–${shownTo} of ${total} ${list}`}
      </span>
      <button type="button" className="button" disabled={loading || offset + limit >= total} onClick={() => onOffset(offset + limit)}>
        Next {limit}
      </button>
    </nav>
  );
}

function Filter({ value, onChange, label }: { value: string; onChange: (v: string) => void; label: string }): React.JSX.Element {
  return (
    <div className="field list-filter">
      <label>
        {label}
        <input type="search" value={value} onChange={(e) => onChange(e.target.value)} maxLength={200} />
      </label>
    </div>
  );
}

const matches = (needle: string, ...hay: Array<string | number | null>) =>
  needle === '' || hay.some((h) => h !== null && String(h).toLowerCase().includes(needle.toLowerCase()));

function Empty({ children }: { children: string }): React.JSX.Element {
  return <p className="empty-state">{children}</p>;
}

function TicketList({ dossier, pager }: { dossier: Dossier; pager: React.ReactNode }): React.JSX.Element {
  const [text, setText] = useState('');
  const [role, setRole] = useState<TicketRole | ''>('');
  const [showDeleted, setShowDeleted] = useState(true);
  const rows = useMemo(
    () =>
      dossier.tickets.filter(
        (t) => (role === '' || t.roles.includes(role)) && (showDeleted || !t.deleted) && matches(text, t.id, t.subject, t.status, t.why),
      ),
    [dossier.tickets, role, showDeleted, text],
  );
  return (
    <section aria-label="Tickets">
      <div className="list-filters">
        <Filter label="Filter tickets" value={text} onChange={setText} />
        <div className="field">
          <label htmlFor="ticket-role">Role</label>
          <select id="ticket-role" value={role} onChange={(e) => setRole(e.target.value as TicketRole | '')}>
            <option value="">Any role</option>
            <Options values={TICKET_ROLES} />
          </select>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} /> Include soft-deleted
        </label>
      </div>
      {rows.length === 0 ? (
        <Empty>No tickets match.</Empty>
      ) : (
        <table className="table">
          <ColumnHeads columns={['Ticket', 'Subject', 'Status', 'Why it belongs', 'Comments', 'Attachments']} />
          <tbody>
            {rows.map((t) => (
              <tr key={t.id}>
                <td>{t.id}</td>
                <td>{t.subject ?? <span className="muted">(no subject)</span>}</td>
                <td>
                  {t.status}
                  {t.deleted ? <span className="pill pill-muted">deleted</span> : null}
                  {t.archived ? <span className="pill pill-muted">archived</span> : null}
                  {t.legalHold ? <span className="pill">legal hold</span> : null}
                </td>
                <td>{t.why}</td>
                <td>{t.comments}</td>
                <td>{t.attachments}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pager}
    </section>
  );
}

function CommentList({ dossier, pager }: { dossier: Dossier; pager: React.ReactNode }): React.JSX.Element {
  const [text, setText] = useState('');
  const rows = dossier.comments.filter((c) => matches(text, c.ticketId, c.excerpt));
  return (
    <section aria-label="Comments written by the subject">
      <Filter label="Filter comments" value={text} onChange={setText} />
      {rows.length === 0 ? (
        <Empty>No comments by this person match.</Empty>
      ) : (
        <table className="table">
          <ColumnHeads columns={['Date', 'Ticket', 'Visibility', 'Text', 'Why it belongs']} />
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{c.createdAt ? new Date(c.createdAt).toLocaleDateString() : ''}</td>
                <td>{c.ticketId}</td>
                <td>{c.public ? 'public' : 'internal'}</td>
                <td className="excerpt">{c.excerpt}</td>
                <td>{c.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pager}
    </section>
  );
}

function AttachmentList({ dossier, pager }: { dossier: Dossier; pager: React.ReactNode }): React.JSX.Element {
  const [text, setText] = useState('');
  const [mine, setMine] = useState(false);
  const rows = dossier.attachments.filter((a) => (!mine || a.uploadedBySubject) && matches(text, a.fileName, a.contentType, a.ticketId));
  return (
    <section aria-label="Attachments on the subject's tickets">
      <div className="list-filters">
        <Filter label="Filter attachments" value={text} onChange={setText} />
        <label className="checkbox">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Only uploaded by the subject
        </label>
      </div>
      {dossier.summary.attachmentsByType.length > 0 ? (
        <p className="muted">
          {dossier.summary.attachmentsByType.map((t) => `${t.contentType}: ${t.count} (${formatBytes(t.bytes)})`).join(' · ')}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <Empty>No attachments match.</Empty>
      ) : (
        <table className="table">
          <ColumnHeads columns={['File', 'Type', 'Size', 'Ticket', 'Why it belongs']} />
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                <td>{a.fileName}</td>
                <td>{a.contentType ?? 'unknown'}</td>
                <td>{a.size === null ? '' : formatBytes(a.size)}</td>
                <td>{a.ticketId}</td>
                <td>{a.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pager}
    </section>
  );
}

function MentionList({ dossier, pager }: { dossier: Dossier; pager: React.ReactNode }): React.JSX.Element {
  const [text, setText] = useState('');
  const rows = dossier.mentions.filter((m) => matches(text, m.ticketId, m.ticketSubject, m.why));
  return (
    <section aria-label="Mentions in other people's comments">
      <Filter label="Filter mentions" value={text} onChange={setText} />
      {rows.length === 0 ? (
        <Empty>No other person's comment contains this person's email addresses or phone numbers.</Empty>
      ) : (
        <table className="table">
          <ColumnHeads columns={['Ticket', 'Subject', 'Why it belongs', 'Comments']} />
          <tbody>
            {rows.map((m) => (
              <tr key={m.ticketId}>
                <td>
                  {m.ticketId}
                  {m.ticketDeleted ? <span className="pill pill-muted">deleted</span> : null}
                </td>
                <td>{m.ticketSubject ?? <span className="muted">(no subject)</span>}</td>
                <td>{m.why}</td>
                <td>{m.commentIds.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pager}
    </section>
  );
}
