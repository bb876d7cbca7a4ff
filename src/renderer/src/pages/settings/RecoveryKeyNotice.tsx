/**
 * A recovery key on screen, until the officer says it is written down. Shown by Settings →
 * Recovery on demand and, once, right after a workspace is created: the key is the only way back
 * to the register and audit log if this machine's keychain is lost, so it must not wait for the
 * officer to find the Recovery card.
 */
export function RecoveryKeyNotice({
  recoveryKey,
  created,
  workspaceName,
  onDone,
}: {
  recoveryKey: string;
  created: boolean;
  workspaceName?: string;
  onDone: () => void;
}): React.JSX.Element {
  return (
    <div className="recovery-key" role="status" aria-live="polite">
      <p>
        {workspaceName
          ? `The recovery key of ${workspaceName}. Write it down or keep it in your password vault, away from this computer:`
          : created
            ? 'Your new recovery key:'
            : 'The recovery key of this workspace:'}
      </p>
      <code className="recovery-key-value" data-testid="recovery-key">
        {recoveryKey}
      </code>
      <p className="hint">
        It opens every backup of this workspace and refills a keychain that lost its keys. Showing it was recorded in the audit log;
        Settings → Recovery and backups shows it again.
      </p>
      <button type="button" className="button" onClick={onDone}>
        I have written it down
      </button>
    </div>
  );
}
