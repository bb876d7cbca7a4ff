import type { Settings } from '../../../../shared/schemas/settings';
import type { Workspace } from '../../../../shared/schemas/workspace';
import { useOperation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ConnectionForm } from './ConnectionForm';
import { ExemptionRulesSettings } from './ExemptionRulesSettings';
import { OrganizationSettings } from './OrganizationSettings';
import { RecoverySettings } from './RecoverySettings';
import { TeamSettings } from './TeamSettings';
import { WorkspaceList } from './WorkspaceList';

export function SettingsPage({
  workspaces,
  activeId,
  onWorkspacesChanged,
  onSettingsSaved,
}: {
  workspaces: Workspace[];
  activeId: string | null;
  onWorkspacesChanged: () => void;
  onSettingsSaved: (s: Settings) => void;
}): React.JSX.Element {
  const settings = useOperation('settings.get', {});
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Settings</h1>
        <p className="muted">Helpdesk connections, your organisation and the texts Lethe puts in archives.</p>
      </header>
      <h2>Helpdesk connections</h2>
      <WorkspaceList workspaces={workspaces} activeId={activeId} onChanged={onWorkspacesChanged} />
      <ConnectionForm onCreated={onWorkspacesChanged} />
      {settings.error ? <ErrorBanner error={settings.error} onRetry={settings.reload} title="Settings could not be read" /> : null}
      {settings.data ? <OrganizationSettings settings={settings.data} onSaved={onSettingsSaved} /> : null}
      <RecoverySettings workspaceId={activeId} />
      {activeId ? (
        <>
          <h2>Erasure</h2>
          <ExemptionRulesSettings workspaceId={activeId} />
          <h2>Team</h2>
          <TeamSettings workspaceId={activeId} />
        </>
      ) : null}
    </section>
  );
}
