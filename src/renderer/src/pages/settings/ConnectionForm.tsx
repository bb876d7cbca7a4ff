import { useId, useState, type FormEvent } from 'react';
import type { ConnectionTestResult, Workspace } from '../../../../shared/schemas/workspace';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { RecoveryKeyNotice } from './RecoveryKeyNotice';

type AddressMode = 'subdomain' | 'baseUrl';

/** The origin an address stands for, as the core stores it; null while it is not a URL yet. */
function originOf(mode: AddressMode, address: string): string | null {
  const value = address.trim();
  if (mode === 'subdomain') return value ? `https://${value.toLowerCase()}.zendesk.com` : null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * Adds a helpdesk connection, or edits one (`editing`). A token is entered for one address and one
 * agent: when either changes, the core forgets the stored token, so the form asks for it again
 * rather than save a connection that cannot connect.
 */
export function ConnectionForm({
  onCreated,
  editing,
  onDone,
}: {
  onCreated?: () => void;
  editing?: Workspace;
  onDone?: () => void;
}): React.JSX.Element {
  const id = useId();
  const [name, setName] = useState(editing?.name ?? '');
  const [mode, setMode] = useState<AddressMode>(editing ? 'baseUrl' : 'subdomain');
  const [address, setAddress] = useState(editing?.baseUrl ?? '');
  const [email, setEmail] = useState(editing?.email ?? '');
  const [apiToken, setApiToken] = useState('');
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const create = useMutation('workspaces.create');
  const update = useMutation('workspaces.update');
  const tester = useMutation('workspaces.testConnection');
  const save = editing ? update : create;
  const recoveryKey = useMutation('backup.recoveryKey');
  // Shown once, right after creation: see RecoveryKeyNotice.
  const [newKey, setNewKey] = useState<{ name: string; key: string } | null>(null);

  const addressInput = mode === 'subdomain' ? { subdomain: address } : { baseUrl: address };
  const addressChanged = editing !== undefined && originOf(mode, address) !== editing.baseUrl;
  const emailChanged = editing !== undefined && email.trim() !== editing.email;
  const tokenNeeded = !editing || addressChanged || emailChanged || !editing.hasToken;

  const onTest = async () => {
    setTest(null);
    const result =
      editing && !apiToken && !addressChanged && !emailChanged
        ? await tester.run({ id: editing.id })
        : await tester.run({ address: addressInput, email, apiToken });
    if (result) setTest(result);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = editing
      ? await update.run({
          id: editing.id,
          ...(name !== editing.name ? { name } : {}),
          ...(addressChanged ? { address: addressInput } : {}),
          ...(emailChanged ? { email } : {}),
          ...(apiToken ? { apiToken } : {}),
        })
      : await create.run({ name, address: addressInput, email, apiToken });
    if (saved) {
      // The token lives in the keychain now; drop it from this page's memory too.
      setApiToken('');
      setTest(null);
      if (editing) return onDone?.();
      setName('');
      setAddress('');
      setEmail('');
      const shown = await recoveryKey.run({ workspaceId: saved.id });
      if (shown) setNewKey({ name: saved.name, key: shown.recoveryKey });
      onCreated?.();
    }
  };

  const title = editing ? `Edit ${editing.name}` : 'Add a helpdesk connection';
  if (newKey) {
    return (
      <section className="card" aria-label="Recovery key of the new workspace">
        <h3>Saved {newKey.name}</h3>
        <RecoveryKeyNotice recoveryKey={newKey.key} created workspaceName={newKey.name} onDone={() => setNewKey(null)} />
      </section>
    );
  }
  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="muted">
        One workspace per Zendesk account. The API token is stored in the operating system&apos;s keychain, never in a file.
      </p>
      <label htmlFor={`${id}-name`}>Connection name</label>
      <input
        id={`${id}-name`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={200}
        placeholder="Acme support (EU)"
      />

      <fieldset>
        <legend>Helpdesk address</legend>
        <div className="radio-row">
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'subdomain'} onChange={() => setMode('subdomain')} /> Zendesk
            subdomain
          </label>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'baseUrl'} onChange={() => setMode('baseUrl')} /> Full address
          </label>
        </div>
        <label htmlFor={`${id}-address`} className="visually-hidden">
          {mode === 'subdomain' ? 'Subdomain' : 'Address'}
        </label>
        <div className="input-affix">
          {mode === 'subdomain' ? <span className="affix">https://</span> : null}
          <input
            id={`${id}-address`}
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            required
            placeholder={mode === 'subdomain' ? 'acme' : 'https://support.acme.example'}
          />
          {mode === 'subdomain' ? <span className="affix">.zendesk.com</span> : null}
        </div>
      </fieldset>

      <label htmlFor={`${id}-email`}>Agent e-mail</label>
      <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="off" />

      <label htmlFor={`${id}-token`}>API token</label>
      <input
        id={`${id}-token`}
        type="password"
        value={apiToken}
        onChange={(e) => setApiToken(e.target.value)}
        required={tokenNeeded}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={`${id}-token-hint`}
      />
      {editing && (addressChanged || emailChanged) ? (
        <p id={`${id}-token-hint`} className="banner banner-warn" role="status">
          The {addressChanged ? 'address' : 'agent'} changed: enter the API token again. Lethe never sends a stored token to another address
          or agent than the one it was entered for.
        </p>
      ) : editing && editing.hasToken ? (
        <p id={`${id}-token-hint`} className="hint">
          Leave empty to keep the stored token.
        </p>
      ) : (
        <p id={`${id}-token-hint`} className="hint">
          Admin Center → Apps and integrations → Zendesk API. Sync and erasure need an administrator&apos;s token.
        </p>
      )}

      {tester.error ? <ErrorBanner error={tester.error} title="The connection could not be tested" /> : null}
      {test ? (
        <div className={`banner ${test.ok ? 'banner-ok' : 'banner-error'}`} role="status">
          <strong>{test.ok ? `Connected as ${test.agentName ?? 'agent'} (${test.role ?? 'unknown role'})` : 'Connection failed'}</strong>
          <p>
            {test.message} {test.code ? <code className="error-code">{test.code}</code> : null}
          </p>
        </div>
      ) : null}
      {save.error ? <ErrorBanner error={save.error} title="The connection was not saved" /> : null}
      {recoveryKey.error ? (
        <ErrorBanner
          error={recoveryKey.error}
          title="The connection was saved, but its recovery key could not be made: create it under Recovery and backups"
        />
      ) : null}

      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={onTest}
          disabled={tester.pending || !address || !email || (tokenNeeded && !apiToken)}
        >
          {tester.pending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="button button-primary" disabled={save.pending}>
          {save.pending ? 'Saving…' : editing ? 'Save changes' : 'Save connection'}
        </button>
        {editing ? (
          <button type="button" className="button" onClick={() => onDone?.()}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
