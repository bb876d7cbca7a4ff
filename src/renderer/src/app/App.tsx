import { useEffect, useState } from 'react';
import type { Settings } from '../../../shared/schemas/settings';
import { useEventInvalidation, useMutation, useOperation } from '../api/hooks';
import { ErrorBanner } from '../components/ErrorBanner';
import { ArchivesPage } from '../pages/archives/ArchivesPage';
import { AuditPage } from '../pages/audit/AuditPage';
import { ErasurePage } from '../pages/erasure/ErasurePage';
import { RequestsPage } from '../pages/requests/RequestsPage';
import { DossierPage } from '../pages/subjects/DossierPage';
import { SubjectsPage } from '../pages/subjects/SubjectsPage';
import { DataAsOf, SyncPage } from '../pages/sync';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { WelcomePage } from '../pages/WelcomePage';
import { ROUTES, useHashLocation, useRoute, type Route } from './router';

const LABELS: Record<Route, string> = {
  requests: 'Requests',
  subjects: 'Subjects',
  erasure: 'Erasure',
  archives: 'Archives',
  audit: 'Audit',
  sync: 'Sync',
  settings: 'Settings',
};

function useTheme(theme: Settings['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    if (!theme || theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);
}

export function App(): React.JSX.Element {
  const [route, navigate] = useRoute('requests');
  const location = useHashLocation();
  const info = useOperation('app.info', {});
  const workspaces = useOperation('workspaces.list', {});
  const settings = useOperation('settings.get', {});
  const [theme, setTheme] = useState<Settings['theme']>();
  const select = useMutation('workspaces.select');
  useTheme(theme ?? settings.data?.theme);

  const reloadWorkspaces = workspaces.reload;
  useEventInvalidation();

  const list = workspaces.data?.workspaces ?? [];
  const activeId = workspaces.data?.activeId ?? null;
  const active = list.find((w) => w.id === activeId) ?? null;
  const firstRun = workspaces.data !== undefined && list.length === 0 && route !== 'settings';

  const page = (() => {
    if (firstRun) {
      return (
        <WelcomePage
          demoAvailable={info.data?.demoAvailable ?? false}
          onReady={reloadWorkspaces}
          onAddConnection={() => navigate('settings')}
        />
      );
    }
    switch (route) {
      case 'requests':
        return <RequestsPage />;
      case 'subjects':
        return location.segments[0] ? (
          <DossierPage
            key={location.segments[0]}
            subjectRef={location.segments[0]}
            exportKind={location.query.get('export')}
            requestId={location.query.get('request')}
          />
        ) : (
          <SubjectsPage />
        );
      case 'erasure':
        return <ErasurePage />;
      case 'archives':
        return <ArchivesPage />;
      case 'audit':
        return <AuditPage />;
      case 'sync':
        return <SyncPage workspaceId={activeId} />;
      case 'settings':
        return (
          <SettingsPage
            workspaces={list}
            activeId={activeId}
            onWorkspacesChanged={reloadWorkspaces}
            onSettingsSaved={(s) => setTheme(s.theme)}
          />
        );
    }
  })();

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ≈
          </span>
          <span>Lethe</span>
        </div>
        <ul>
          {ROUTES.map((r) => (
            <li key={r}>
              <a href={`#/${r}`} aria-current={r === route && !firstRun ? 'page' : undefined}>
                {LABELS[r]}
              </a>
            </li>
          ))}
        </ul>
        <p className="sidebar-foot muted">
          {info.data ? `v${info.data.version} · ${info.data.face === 'browser' ? 'browser mode' : info.data.face}` : ''}
        </p>
      </nav>
      <div className="main-column">
        <header className="topbar">
          <div className="workspace-switcher">
            <label htmlFor="workspace-select">Workspace</label>
            <select
              id="workspace-select"
              value={activeId ?? ''}
              disabled={list.length === 0 || select.pending}
              onChange={(e) => void select.run({ id: e.target.value })}
            >
              {list.length === 0 ? <option value="">No workspace</option> : null}
              {list.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                  {w.kind === 'demo' ? ' (demo)' : ''}
                </option>
              ))}
            </select>
          </div>
          {active ? (
            <DataAsOf workspaceId={active.id} label={active.baseUrl} />
          ) : (
            <p className="data-as-of" aria-live="polite">
              No helpdesk connected
            </p>
          )}
        </header>
        <main id="main" tabIndex={-1}>
          {/* The demo keeps its token and key in memory: the keychain does not concern its pages. */}
          {info.data?.keychain === 'unavailable' && active?.kind !== 'demo' ? (
            <div className="banner banner-warn" role="status">
              <strong>The OS keychain is not reachable.</strong>
              <p>Real helpdesk connections need it to keep their API tokens; the demo helpdesk works without it.</p>
            </div>
          ) : null}
          {workspaces.error ? (
            <ErrorBanner error={workspaces.error} onRetry={reloadWorkspaces} title="Workspaces could not be read" />
          ) : null}
          {select.error ? <ErrorBanner error={select.error} title="The workspace was not switched" /> : null}
          {page}
        </main>
      </div>
    </div>
  );
}
