import { useState } from 'react';
import type { ExportRecord, VerifyOutcome } from '../../../../shared/contract/groups/archives';
import { useApi, useMutation, useOperation } from '../../api/hooks';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { formatBytes, saveExportFile, type SaveOutcome } from '../subjects/export-file';
import '../subjects/subjects.css';

/** The archives produced on this machine, each with verify, save and delete. */
export function ArchivesPage(): React.JSX.Element {
  const list = useOperation('archives.list', {});
  return (
    <div className="archives-page">
      <header className="page-header">
        <h1>Archives</h1>
        <p className="muted">Access and portability archives made on this machine. Create one from a subject’s dossier.</p>
      </header>
      {list.error ? <ErrorBanner error={list.error} onRetry={list.reload} title="The archives could not be listed" /> : null}
      {list.loading ? (
        <p className="muted" role="status">
          Loading archives…
        </p>
      ) : null}
      {list.data && list.data.exports.length === 0 ? (
        <p className="empty-state">
          No archives yet. Open a person under <a href={hrefFor('subjects')}>Subjects</a> and create an access or portability archive.
        </p>
      ) : null}
      {list.data && list.data.exports.length > 0 ? (
        <table className="table">
          <ColumnHeads columns={['Created', 'Kind', 'Subject', 'Size', 'SHA-256', 'Actions']} />
          <tbody>
            {list.data.exports.map((e) => (
              <ArchiveRow key={e.exportId} record={e} />
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function ArchiveRow({ record }: { record: ExportRecord }): React.JSX.Element {
  const api = useApi();
  const verify = useMutation('archives.verify');
  const remove = useMutation('archives.delete');
  const [outcome, setOutcome] = useState<VerifyOutcome | null>(null);
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState<SaveOutcome | null>(null);
  const [confirming, setConfirming] = useState(false);
  return (
    <tr>
      <td>{new Date(record.createdAt).toLocaleString()}</td>
      <td>
        {record.kind} · {record.regulation}
        {record.encrypted ? <span className="pill">AES-256</span> : null}
      </td>
      <td>
        <a href={hrefFor('subjects', [record.ref])}>{record.ref}</a>
      </td>
      <td>
        {formatBytes(record.size)} · {record.files} files
      </td>
      <td>
        <code className="hash">{record.sha256}</code>
      </td>
      <td className="actions">
        <div className="button-row">
          {record.encrypted ? (
            <input
              type="password"
              aria-label={`Passphrase for ${record.fileName}`}
              placeholder="passphrase"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          ) : null}
          <button
            type="button"
            className="button button-small"
            disabled={verify.pending || (record.encrypted && password.length < 12)}
            onClick={() =>
              void verify.run({ exportId: record.exportId, ...(record.encrypted ? { password } : {}) }).then((r) => setOutcome(r ?? null))
            }
          >
            {verify.pending ? 'Verifying…' : 'Verify'}
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => void saveExportFile(api, record.exportId, record.fileName).then(setSaved)}
          >
            Save a copy…
          </button>
          {confirming ? (
            <>
              <button
                type="button"
                className="button button-small button-danger"
                disabled={remove.pending}
                onClick={() => void remove.run({ exportId: record.exportId })}
              >
                Really delete
              </button>
              <button type="button" className="button button-small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="button button-small" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          )}
        </div>
        <div role="status" aria-live="polite">
          {outcome ? (
            outcome.ok ? (
              <span className="pill">verified: {outcome.checked} files match the manifest</span>
            ) : (
              <span className="pill pill-danger">
                damaged: {outcome.problems.map((p) => `${p.file} (${p.problem.replace('_', ' ')})`).join(', ')}
              </span>
            )
          ) : null}
          {saved?.kind === 'unsupported' ? <span className="muted">{saved.message}</span> : null}
          {saved?.kind === 'saved' ? <span className="muted">Saved{saved.where ? ` to ${saved.where}` : ''}.</span> : null}
        </div>
        {verify.error ? <ErrorBanner error={verify.error} title="Not verified" /> : null}
        {remove.error ? <ErrorBanner error={remove.error} title="Not deleted" /> : null}
      </td>
    </tr>
  );
}
