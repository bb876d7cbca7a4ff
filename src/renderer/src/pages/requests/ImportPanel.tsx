import { useState } from 'react';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { useRegisterMutation, type RegisterOutput } from './register-api';

const MAX_CHARS = 500_000;

export function ImportPanel(): React.JSX.Element {
  const importer = useRegisterMutation('requests.importCsv');
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [result, setResult] = useState<RegisterOutput<'requests.importCsv'> | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  const run = async (dryRun: boolean) => {
    if (csv === null) return;
    setResult(null);
    const r = await importer.run({ csv, dryRun });
    if (r) setResult(r);
  };

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">Import requests from CSV</h2>
      <p className="muted">
        Columns: <code>type, regulation, receivedAt</code> (required) and{' '}
        <code>
          channel, requesterName, requesterEmail, requesterPhone, subjectId, owner, notes, status, statusReason, denialArticle, closedAt
        </code>
        . A file exported from this register can be imported as it is. Check it first: nothing is imported while any row has an error.
      </p>
      <label htmlFor="import-file">CSV file</label>
      <input
        id="import-file"
        type="file"
        accept=".csv,text/csv"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          setResult(null);
          setFileError(null);
          setCsv(null);
          if (!file) return;
          const text = await file.text();
          if (text.length > MAX_CHARS)
            return setFileError(
              `The file is too large for one import (${text.length.toLocaleString()} characters; at most ${MAX_CHARS.toLocaleString()}). Split it.`,
            );
          setFileName(file.name);
          setCsv(text);
        }}
      />
      {fileError ? (
        <p className="text-danger" role="alert">
          {fileError}
        </p>
      ) : null}
      <div className="button-row">
        <button type="button" className="button" disabled={csv === null || importer.pending} onClick={() => void run(true)}>
          Check (dry run)
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={csv === null || importer.pending || !result || !result.dryRun || result.errors.length > 0}
          onClick={() => void run(false)}
        >
          Import {result && result.dryRun && result.errors.length === 0 ? `${result.rows} requests` : ''}
        </button>
      </div>
      {importer.error ? <ErrorBanner error={importer.error} title="The file could not be checked" /> : null}
      {result ? (
        result.errors.length > 0 ? (
          <div role="alert" className="import-errors">
            <p>
              <strong>{result.errors.length === 1 ? '1 problem' : `${result.errors.length} problems`}</strong> in {fileName}. Nothing was
              imported.
            </p>
            <table className="table">
              <ColumnHeads columns={['Row', 'Column', 'Problem']} />
              <tbody>
                {result.errors.slice(0, 500).map((e, i) => (
                  <tr key={i}>
                    <td>{e.row}</td>
                    <td>{e.column ?? '—'}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : result.dryRun ? (
          <p className="banner banner-ok" role="status">
            All {result.rows} rows are valid. Nothing has been imported yet.
          </p>
        ) : (
          <p className="banner banner-ok" role="status">
            Imported {result.imported} requests.
          </p>
        )
      ) : null}
    </section>
  );
}
