import { RecoveryKeyNotice } from './RecoveryKeyNotice';
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useOperation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import './recovery.css';

/**
 * The recovery path of the register and audit log (src/main/core/backup): the recovery key, a
 * backup, a restore, and refilling a keychain that lost the workspace's keys. Without a workspace
 * only the restore is offered: that is how a new machine starts.
 */
export function RecoverySettings({ workspaceId }: { workspaceId: string | null }): React.JSX.Element {
  const id = useId();
  return (
    <section className="card form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Recovery and backups</h3>
      <p className="muted">
        The request register and audit log are records you must keep. They are encrypted with a key held in this computer&apos;s keychain;
        the recovery key brings them back on a new computer or after the keychain is wiped.
      </p>
      {workspaceId ? <WorkspaceRecovery workspaceId={workspaceId} /> : null}
      <RestoreBackup />
    </section>
  );
}

function WorkspaceRecovery({ workspaceId }: { workspaceId: string }): React.JSX.Element | null {
  const id = useId();
  const status = useOperation('backup.status', { workspaceId });
  const show = useMutation('backup.recoveryKey');
  const backup = useMutation('backup.create');
  const saveAs = useMutation('backup.saveAs');
  const recover = useMutation('backup.recoverKeys');
  const [shown, setShown] = useState<{ key: string; created: boolean } | null>(null);
  const [made, setMade] = useState<{ path: string; requests: number; auditEntries: number; saved: string | null } | null>(null);
  const [typed, setTyped] = useState('');
  const [recovered, setRecovered] = useState<string | null>(null);

  if (status.error) return <ErrorBanner error={status.error} onRetry={status.reload} title="The recovery status could not be read" />;
  if (!status.data) return null;
  if (status.data.demo) return <p className="muted">The demo workspace holds synthetic data only; it has no recovery key.</p>;

  const reveal = async () => {
    const value = await show.run({ workspaceId });
    if (value) setShown({ key: value.recoveryKey, created: value.created });
  };
  const makeBackup = async () => {
    setMade(null);
    const value = await backup.run({ workspaceId });
    if (!value) return;
    const saved = await saveAs.run({ workspaceId, fileName: value.fileName });
    setMade({
      path: value.path,
      requests: value.requests,
      auditEntries: value.auditEntries,
      saved: saved?.via === 'dialog' ? saved.path : null,
    });
  };
  const onRecover = async (event: FormEvent) => {
    event.preventDefault();
    setRecovered(null);
    const value = await recover.run({ workspaceId, recoveryKey: typed });
    if (value) {
      setTyped('');
      setRecovered(
        `${value.restored.length > 0 ? `Back in the keychain: ${value.restored.join(', ')}.` : 'No key was missing.'} ` +
          `${value.requests} requests and ${value.auditEntries} audit entries read; the audit chain is ${value.auditChainOk ? 'intact' : 'broken'}.`,
      );
    }
  };

  return (
    <>
      <h4>Recovery key</h4>
      {!status.data.hasRecoveryKey ? (
        <p className="text-danger" role="alert">
          This workspace has no recovery key yet. Create it now and keep it on paper or in your password vault, away from this computer.
        </p>
      ) : null}
      {shown ? (
        <RecoveryKeyNotice recoveryKey={shown.key} created={shown.created} onDone={() => setShown(null)} />
      ) : (
        <div className="button-row">
          <button
            type="button"
            className={status.data.hasRecoveryKey ? 'button' : 'button button-primary'}
            disabled={show.pending}
            onClick={() => void reveal()}
          >
            {status.data.hasRecoveryKey ? 'Show recovery key' : 'Create recovery key'}
          </button>
        </div>
      )}
      {show.error ? <ErrorBanner error={show.error} title="The recovery key could not be shown" /> : null}

      <h4>Backup</h4>
      <p className="hint">One encrypted file with the register, audit log, journal and settings. It opens only with the recovery key.</p>
      <div className="button-row">
        <button type="button" className="button" disabled={backup.pending || !status.data.hasRecoveryKey} onClick={() => void makeBackup()}>
          Make a backup
        </button>
      </div>
      {backup.error ? <ErrorBanner error={backup.error} title="No backup was made" /> : null}
      {made ? (
        <p className="text-ok" role="status">
          Backup of {made.requests} requests and {made.auditEntries} audit entries{made.saved ? ` saved to ${made.saved}` : ''}. It is in{' '}
          <code>{made.path}</code>; copy it off this computer.
        </p>
      ) : null}

      <h4>The keychain lost the keys</h4>
      <form onSubmit={(e) => void onRecover(e)} aria-label="Recover the workspace keys">
        <label htmlFor={`${id}-recover`}>Recovery key</label>
        <input
          id={`${id}-recover`}
          value={typed}
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
          placeholder="ABCD-EFGH-…"
          onChange={(e) => setTyped(e.target.value)}
        />
        <div className="button-row">
          <button type="submit" className="button" disabled={recover.pending || typed.trim().length < 52}>
            Recover keys
          </button>
        </div>
      </form>
      {recover.error ? <ErrorBanner error={recover.error} title="The keys were not recovered" /> : null}
      {recovered ? (
        <p className="text-ok" role="status">
          {recovered}
        </p>
      ) : null}
    </>
  );
}

function RestoreBackup(): React.JSX.Element {
  const id = useId();
  const restore = useMutation('backup.restore');
  const [path, setPath] = useState('');
  const [key, setKey] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const value = await restore.run({ path, recoveryKey: key });
    if (value) {
      setKey('');
      setDone(
        `Restored "${value.workspaceName}" from the backup of ${value.backupCreatedAt}: ${value.requests} requests, ${value.auditEntries} audit entries, ` +
          `audit chain ${value.auditChainOk ? 'intact' : 'broken'}. Enter its helpdesk API token again before syncing.`,
      );
    }
  };
  return (
    <form onSubmit={(e) => void onSubmit(e)} aria-label="Restore a backup">
      <h4>Restore a backup on this computer</h4>
      <label htmlFor={`${id}-path`}>Backup file (full path on this computer)</label>
      <input
        id={`${id}-path`}
        value={path}
        maxLength={4096}
        placeholder="/media/usb/acme.lethebak"
        onChange={(e) => setPath(e.target.value)}
      />
      <label htmlFor={`${id}-key`}>Recovery key</label>
      <input id={`${id}-key`} value={key} maxLength={100} autoComplete="off" spellCheck={false} onChange={(e) => setKey(e.target.value)} />
      <div className="button-row">
        <button type="submit" className="button" disabled={restore.pending || path.trim() === '' || key.trim().length < 52}>
          Restore
        </button>
      </div>
      {restore.error ? <ErrorBanner error={restore.error} title="Nothing was restored" /> : null}
      {done ? (
        <p className="text-ok" role="status">
          {done}
        </p>
      ) : null}
    </form>
  );
}
