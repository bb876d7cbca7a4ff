import { hrefFor, useHashLocation } from '../../app/router';
import { ImportPanel } from './ImportPanel';
import { NewRequestForm } from './NewRequestForm';
import { QueueView } from './QueueView';
import { RegisterSettingsPanel } from './RegisterSettingsPanel';
import { RequestDetail } from './RequestDetail';
import './requests.css';

const TABS = [
  ['queue', 'Queue'],
  ['new', 'New request'],
  ['import', 'Import CSV'],
  ['settings', 'Deadlines & retention'],
] as const;
type Tab = (typeof TABS)[number][0];

export function RequestsPage(): React.JSX.Element {
  const location = useHashLocation();
  const id = location.segments[0];
  if (id) return <RequestDetail id={id} />;
  const wanted = location.query.get('tab');
  const tab: Tab = TABS.some(([t]) => t === wanted) ? (wanted as Tab) : 'queue';
  return (
    <section className="page requests-page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Requests</h1>
        <p className="muted">
          What is due, what is late, and what was done: the register of data subject requests and their statutory deadlines.
        </p>
      </header>
      <nav className="tabs" aria-label="Requests sections">
        {TABS.map(([t, label]) => (
          <a key={t} href={hrefFor('requests', [], t === 'queue' ? {} : { tab: t })} aria-current={t === tab ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {tab === 'queue' ? (
        <QueueView />
      ) : tab === 'new' ? (
        <NewRequestForm />
      ) : tab === 'import' ? (
        <ImportPanel />
      ) : (
        <RegisterSettingsPanel />
      )}
    </section>
  );
}
