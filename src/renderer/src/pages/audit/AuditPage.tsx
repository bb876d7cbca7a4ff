import { useState } from 'react';
import type { AuditEntryView } from '../../../../shared/contract/groups/requests';
import type { AuditVerifyResult } from '../../../../shared/contract/groups/audit';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { Options } from '../../components/Options';
import { TeamCopyBanner } from '../../components/TeamCopyBanner';
import { downloadText } from '../requests/download';
import { formatInstant } from '../requests/labels';
import { useRegisterMutation, useRegisterQuery } from '../requests/register-api';
import { AUDIT_ACTION_LABELS, auditFactsInWords } from '../../../../shared/audit-words';
import { actionWords } from '../requests/Timeline';
import './audit.css';

const PAGE = 200;

function VerifyBanner({ result }: { result: AuditVerifyResult }): React.JSX.Element {
  return result.ok ? (
    <div className="banner banner-ok" role="status">
      <div>
        <strong>The chain is intact.</strong>
        <p>{result.message}</p>
        {result.head ? (
          <code className="hash">
            head #{result.head.seq} · {result.head.hash}
          </code>
        ) : null}
      </div>
    </div>
  ) : (
    <div className="banner banner-error" role="alert">
      <div>
        <strong>The chain is broken at entry {result.brokenAt}.</strong>
        <p>{result.message}</p>
        {result.brokenAt !== null ? <a href={`#audit-entry-${result.brokenAt}`}>Go to entry {result.brokenAt}</a> : null}
      </div>
    </div>
  );
}

/** An entry's facts as a short list of labelled values, never raw JSON. */
function Facts({ data }: { data: Record<string, unknown> }): React.JSX.Element {
  const facts = auditFactsInWords(data);
  if (facts.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="audit-facts">
      {facts.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function EntryRows({ entries, brokenAt }: { entries: AuditEntryView[]; brokenAt: number | null }): React.JSX.Element {
  return (
    <>
      {entries.map((e) => (
        <tr
          key={e.seq}
          id={`audit-entry-${e.seq}`}
          className={
            brokenAt !== null && e.seq === brokenAt ? 'row-broken' : brokenAt !== null && e.seq > brokenAt ? 'row-unverified' : undefined
          }
        >
          <td>{e.seq}</td>
          <td>{formatInstant(e.at)}</td>
          <td>{e.actor}</td>
          <td>
            <span title={e.action}>{actionWords(e.action)}</span>
          </td>
          <td>
            {e.requestId ? <a href={hrefFor('requests', [e.requestId])}>{e.requestId.slice(0, 12)}…</a> : <span className="muted">—</span>}
          </td>
          <td className="audit-data">
            <Facts data={e.data} />
          </td>
          <td>
            <code className="hash" title={`subject ${e.subjectRef ?? 'none'}; hash ${e.hash}; previous ${e.prevHash}`}>
              {e.hash.slice(0, 12)}…
            </code>
          </td>
        </tr>
      ))}
    </>
  );
}

export function AuditPage(): React.JSX.Element {
  const [action, setAction] = useState('');
  const [pages, setPages] = useState<number[]>([]);
  const first = useRegisterQuery('audit.list', { limit: PAGE, ...(action ? { action } : {}) });
  const verify = useRegisterMutation('audit.verify');
  const exporter = useRegisterMutation('audit.export');
  const [verifyResult, setVerifyResult] = useState<AuditVerifyResult | null>(null);
  const brokenAt = verifyResult && !verifyResult.ok ? verifyResult.brokenAt : null;
  const entries = first.data?.entries ?? [];
  const lastSeq = entries.at(-1)?.seq;
  // An export is recorded in the chain: offline (the team's last copy) it would be refused.
  const offline = first.data?.team?.offline === true;

  const exportAs = async (format: 'csv' | 'json') => {
    const file = await exporter.run({ format });
    if (file) {
      downloadText(file.fileName, file.mediaType, file.content);
      setVerifyResult(file.verify);
    }
  };

  return (
    <section className="page audit-page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Audit</h1>
        <p className="muted">
          Every action and decision, in order. Each entry carries the SHA-256 hash of the one before, so an edited, removed or inserted
          entry breaks the chain. People appear only as keyed hashes, so erasing someone never rewrites this history.
        </p>
      </header>
      <TeamCopyBanner team={first.data?.team} />
      <div className="audit-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={verify.pending}
          onClick={async () => setVerifyResult((await verify.run({})) ?? null)}
        >
          {verify.pending ? 'Verifying…' : 'Verify the whole chain'}
        </button>
        <button type="button" className="button" disabled={exporter.pending || offline} onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" className="button" disabled={exporter.pending || offline} onClick={() => void exportAs('json')}>
          Export JSON
        </button>
        <div className="filter">
          <label htmlFor="audit-action">Action</label>
          <select
            id="audit-action"
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              setPages([]);
            }}
          >
            <option value="">Every action</option>
            <Options pairs={Object.entries(AUDIT_ACTION_LABELS).sort(([, a], [, b]) => a.localeCompare(b))} />
          </select>
        </div>
      </div>
      {verify.error ? <ErrorBanner error={verify.error} title="The chain could not be verified" /> : null}
      {exporter.error ? <ErrorBanner error={exporter.error} title="The export failed" /> : null}
      {verifyResult ? <VerifyBanner result={verifyResult} /> : null}
      {first.loading ? (
        <p className="muted" role="status">
          Loading the audit log…
        </p>
      ) : first.error ? (
        <ErrorBanner error={first.error} onRetry={first.reload} title="The audit log could not be read" />
      ) : entries.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">{action ? `No “${actionWords(action)}” entries.` : 'The audit log is empty.'}</p>
          <p className="muted">Recording a request, verifying identity, extending, deciding and exporting all add entries here.</p>
        </div>
      ) : (
        <>
          <p className="muted">
            {first.data?.total} entries{action ? ` of “${actionWords(action)}”` : ''}, newest first.
          </p>
          <div className="audit-scroll" tabIndex={0} role="region" aria-label="Audit entries">
            <table className="table audit-table">
              <ColumnHeads columns={['#', 'When', 'Who', 'Action', 'Request', 'Facts', 'Hash']} />
              <tbody>
                <EntryRows entries={entries} brokenAt={brokenAt} />
                {pages.map((before) => (
                  <OlderPage key={before} beforeSeq={before} action={action} brokenAt={brokenAt} />
                ))}
              </tbody>
            </table>
          </div>
          {lastSeq !== undefined && (first.data?.total ?? 0) > entries.length ? (
            <OlderButton lastSeq={lastSeq} action={action} onMore={(seq) => setPages((p) => [...p, seq])} pages={pages} />
          ) : null}
        </>
      )}
    </section>
  );
}

function OlderPage({
  beforeSeq,
  action,
  brokenAt,
}: {
  beforeSeq: number;
  action: string;
  brokenAt: number | null;
}): React.JSX.Element | null {
  const page = useRegisterQuery('audit.list', { limit: PAGE, beforeSeq, ...(action ? { action } : {}) });
  if (page.loading)
    return (
      <tr>
        <td colSpan={7} role="status">
          Loading…
        </td>
      </tr>
    );
  if (page.error)
    return (
      <tr>
        <td colSpan={7}>
          <ErrorBanner error={page.error} onRetry={page.reload} title="Older entries could not be read" />
        </td>
      </tr>
    );
  return <EntryRows entries={page.data?.entries ?? []} brokenAt={brokenAt} />;
}

/** Asks for the page before the oldest entry shown; the oldest seq of the last page is read through its query. */
function OlderButton({
  lastSeq,
  action,
  pages,
  onMore,
}: {
  lastSeq: number;
  action: string;
  pages: number[];
  onMore: (beforeSeq: number) => void;
}): React.JSX.Element | null {
  const lastPage = pages.at(-1);
  const tail = useRegisterQuery(
    'audit.list',
    { limit: PAGE, beforeSeq: lastPage ?? 1, ...(action ? { action } : {}) },
    { enabled: lastPage !== undefined },
  );
  const oldest = lastPage === undefined ? lastSeq : (tail.data?.entries.at(-1)?.seq ?? null);
  if (oldest === null || oldest <= 1 || (lastPage !== undefined && (tail.data?.entries.length ?? 0) < PAGE)) return null;
  return (
    <div className="button-row">
      <button type="button" className="button" onClick={() => onMore(oldest)}>
        Show older entries
      </button>
    </div>
  );
}
