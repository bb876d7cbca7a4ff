import type { TeamFreshness } from '../../../shared/contract/groups/requests';

/**
 * Team mode, offline: what the page shows is the last copy this machine read from the team
 * database, as of that time, and changes are refused (nothing is queued) until it answers again.
 */
export function TeamCopyBanner({ team }: { team: TeamFreshness | undefined }): React.JSX.Element | null {
  if (!team?.offline) return null;
  return (
    <div className="banner banner-warn team-copy-banner" role="status">
      <div>
        <strong>Team database unreachable: read-only copy as of {new Date(team.readAt).toLocaleString()}</strong>
        <p>
          {team.reason}
          {/[.!?]$/.test(team.reason ?? '') ? '' : '.'} Changes are refused until it answers again; nothing is queued.
        </p>
      </div>
    </div>
  );
}
