import { useId, useState, type FormEvent } from 'react';
import type { ConnectionTestResult } from '../../../../shared/schemas/workspace';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';

type AddressMode = 'subdomain' | 'baseUrl';

export function ConnectionForm({ onCreated }: { onCreated: () => void }): React.JSX.Element {
  const id = useId();
  const [name, setName] = useState('');
  const [mode, setMode] = useState<AddressMode>('subdomain');
  const [address, setAddress] = useState('');
  const [email, setEmail] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const create = useMutation('workspaces.create');
  const tester = useMutation('workspaces.testConnection');

  const addressInput = mode === 'subdomain' ? { subdomain: address } : { baseUrl: address };

  const onTest = async () => {
    setTest(null);
    const result = await tester.run({ address: addressInput, email, apiToken });
    if (result) setTest(result);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run({ name, address: addressInput, email, apiToken });
    if (created) {
      // The token lives in the keychain now; drop it from this page's memory too.
      setApiToken('');
      setName('');
      setAddress('');
      setEmail('');
      setTest(null);
      onCreated();
    }
  };

  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a helpdesk connection</h3>
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
        required
        autoComplete="off"
        spellCheck={false}
      />
      <p className="hint">Admin Center → Apps and integrations → Zendesk API. Sync and erasure need an administrator&apos;s token.</p>

      {tester.error ? <ErrorBanner error={tester.error} title="The connection could not be tested" /> : null}
      {test ? (
        <div className={`banner ${test.ok ? 'banner-ok' : 'banner-error'}`} role="status">
          <strong>{test.ok ? `Connected as ${test.agentName ?? 'agent'} (${test.role ?? 'unknown role'})` : 'Connection failed'}</strong>
          <p>
            {test.message} {test.code ? <code className="error-code">{test.code}</code> : null}
          </p>
        </div>
      ) : null}
      {create.error ? <ErrorBanner error={create.error} title="The connection was not saved" /> : null}

      <div className="button-row">
        <button type="button" className="button" onClick={onTest} disabled={tester.pending || !address || !email || !apiToken}>
          {tester.pending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="button button-primary" disabled={create.pending}>
          {create.pending ? 'Saving…' : 'Save connection'}
        </button>
      </div>
    </form>
  );
}
