import { useMutation } from '../api/hooks';
import { ErrorBanner } from '../components/ErrorBanner';

export function WelcomePage({
  demoAvailable,
  onReady,
  onAddConnection,
}: {
  demoAvailable: boolean;
  onReady: () => void;
  onAddConnection: () => void;
}): React.JSX.Element {
  const demo = useMutation('demo.start');
  return (
    <section className="page welcome" aria-labelledby="page-title">
      <h1 id="page-title">Welcome to Lethe</h1>
      <p className="lead">
        Answer access, erasure, restriction, rectification and objection requests under GDPR, UK GDPR, CCPA/CPRA and LGPD for the people in
        your Zendesk Support account: find every trace of a person, preview an erasure before anything is touched, and keep a tamper-evident
        record.
      </p>
      <div className="welcome-actions">
        <div className="card">
          <h2>Try the demo helpdesk</h2>
          <p className="muted">A practice helpdesk with synthetic people and tickets runs inside Lethe. Nothing leaves this machine.</p>
          <button
            type="button"
            className="button button-primary"
            disabled={!demoAvailable || demo.pending}
            onClick={async () => {
              if (await demo.run({})) onReady();
            }}
          >
            {demo.pending ? 'Starting the demo…' : 'Try the demo helpdesk'}
          </button>
          {!demoAvailable ? <p className="hint">The demo helpdesk is not available in this build.</p> : null}
          {demo.error ? <ErrorBanner error={demo.error} title="The demo did not start" /> : null}
        </div>
        <div className="card">
          <h2>Connect your helpdesk</h2>
          <p className="muted">You need the address of your Zendesk account, an administrator&apos;s e-mail and an API token.</p>
          <button type="button" className="button" onClick={onAddConnection}>
            Add a helpdesk connection
          </button>
        </div>
      </div>
    </section>
  );
}
