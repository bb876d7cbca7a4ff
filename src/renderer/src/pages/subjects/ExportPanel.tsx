import { useEffect, useId, useState } from 'react';
import { RequestPicker, useSubjectRequests } from '../requests/RequestPicker';
import type { EventPayload } from '../../../../shared/contract/events';
import type { ExportRecord } from '../../../../shared/contract/groups/archives';
import { useApi, useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Options } from '../../components/Options';
import { formatBytes, saveExportFile, type SaveOutcome } from './export-file';

type Kind = 'access' | 'portability';
const REGULATIONS = [
  ['GDPR', 'GDPR'],
  ['UK_GDPR', 'UK GDPR'],
  ['CCPA', 'CCPA/CPRA'],
  ['LGPD', 'LGPD'],
] as const;
type Regulation = (typeof REGULATIONS)[number][0];

interface Progress {
  bytes: number;
  total: number | null;
  files: string;
}

/** Create an access or portability archive, follow its progress, then save it and show its hash. */
export function ExportPanel({
  subjectRef,
  initialKind,
  initialRequestId = null,
}: {
  subjectRef: string;
  initialKind: Kind;
  /** Opened from a request's dossier: the archive answers it, under its regulation. */
  initialRequestId?: string | null;
}): React.JSX.Element {
  const api = useApi();
  const id = useId();
  const [kind, setKind] = useState<Kind>(initialKind);
  const [regulation, setRegulation] = useState<Regulation>('GDPR');
  const [requestId, setRequestId] = useState(initialRequestId ?? '');
  const { requests } = useSubjectRequests([Number(subjectRef.slice('subj_'.length))]);
  const [regulationFromRequest, setRegulationFromRequest] = useState(initialRequestId === null);
  const initialRequest = requests.find((r) => r.id === initialRequestId);
  if (!regulationFromRequest && initialRequest) {
    setRegulationFromRequest(true);
    if (REGULATIONS.some(([r]) => r === initialRequest.regulation)) setRegulation(initialRequest.regulation as Regulation);
  }
  const [encrypt, setEncrypt] = useState(false);
  const [password, setPassword] = useState('');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<ExportRecord | null>(null);
  const [saved, setSaved] = useState<SaveOutcome | null>(null);
  const exporter = useMutation('archives.export');

  useEffect(() => {
    if (!exporter.pending) return undefined;
    return api.subscribe((name, payload) => {
      if (name !== 'job.progress') return;
      const p = payload as EventPayload<'job.progress'>;
      if (p.kind !== 'archive.export' || p.phase !== 'running') return;
      setProgress({ bytes: p.done, total: p.total, files: p.message ?? '' });
    });
  }, [api, exporter.pending]);

  const tooShort = encrypt && [...password].length < 12;
  const start = async () => {
    setResult(null);
    setSaved(null);
    setProgress({ bytes: 0, total: null, files: '' });
    const record = await exporter.run({
      ref: subjectRef,
      kind,
      regulation,
      ...(requestId ? { requestId } : {}),
      ...(encrypt ? { password } : {}),
    });
    setProgress(null);
    if (record) {
      setResult(record);
      setPassword('');
    }
  };

  return (
    <section className="card export-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create an archive</h2>
      <div className="export-form">
        <fieldset>
          <legend>Kind</legend>
          <label>
            <input type="radio" name={`${id}-kind`} checked={kind === 'access'} onChange={() => setKind('access')} /> Access (Art. 15):
            everything held, with the information sheet
          </label>
          <label>
            <input type="radio" name={`${id}-kind`} checked={kind === 'portability'} onChange={() => setKind('portability')} /> Portability
            (Art. 20): only what the person provided
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-request`}>Request it answers</label>
          <RequestPicker
            id={`${id}-request`}
            userIds={[Number(subjectRef.slice('subj_'.length))]}
            value={requestId}
            onChange={(value, request) => {
              setRequestId(value);
              // The request's regulation is the archive's: a CCPA request gets a CCPA archive.
              if (request && REGULATIONS.some(([r]) => r === request.regulation)) setRegulation(request.regulation as Regulation);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-regulation`}>Regulation</label>
          <select id={`${id}-regulation`} value={regulation} onChange={(e) => setRegulation(e.target.value as Regulation)}>
            <Options pairs={REGULATIONS} />
          </select>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} /> Encrypt with a passphrase (AES-256)
        </label>
        {encrypt ? (
          <div className="field">
            <label htmlFor={`${id}-password`}>Passphrase (at least 12 characters; send it separately)</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={tooShort}
            />
          </div>
        ) : null}
        <div className="button-row">
          <button type="button" className="button button-primary" disabled={exporter.pending || tooShort} onClick={() => void start()}>
            {exporter.pending ? 'Creating…' : `Create ${kind} archive`}
          </button>
        </div>
      </div>
      {progress && exporter.pending ? (
        <div className="export-progress" role="status" aria-live="polite">
          <progress max={progress.total ?? undefined} value={progress.total ? progress.bytes : undefined} aria-label="Archive progress" />
          <span>
            {formatBytes(progress.bytes)}
            {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
            {progress.files ? ` · ${progress.files}` : ''}
          </span>
        </div>
      ) : null}
      {exporter.error ? <ErrorBanner error={exporter.error} title="The archive was not created" /> : null}
      {result ? (
        <div className="banner banner-ok export-result" role="status">
          <div>
            <strong>
              {result.kind === 'access' ? 'Access' : 'Portability'} archive ready: {result.fileName}
            </strong>
            <dl className="export-facts">
              <dt>Location</dt>
              <dd>
                <code>{result.path}</code>
              </dd>
              <dt>SHA-256</dt>
              <dd>
                <code className="hash">{result.sha256}</code>
              </dd>
              <dt>Size</dt>
              <dd>
                {formatBytes(result.size)} · {result.files} files · {result.attachments} attachment(s)
                {result.attachmentsUnavailable ? ` · ${result.attachmentsUnavailable} unavailable` : ''}
                {result.encrypted ? ' · AES-256' : ''}
              </dd>
            </dl>
            {saved?.kind === 'saved' ? <p>Saved{saved.where ? ` to ${saved.where}` : ' (see your browser’s downloads)'}.</p> : null}
            {saved?.kind === 'unsupported' ? <p>{saved.message}</p> : null}
          </div>
          <button
            type="button"
            className="button"
            onClick={() => void saveExportFile(api, result.exportId, result.fileName).then(setSaved)}
          >
            Save a copy…
          </button>
        </div>
      ) : null}
    </section>
  );
}
