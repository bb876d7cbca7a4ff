import type { Dossier } from '../../../../shared/contract/groups/subjects';
import type { NotSearchedReason, SurfaceCoverage } from '../../../../shared/schemas/surfaces';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';

export const NOT_SEARCHED: Record<NotSearchedReason, string> = {
  permission: 'Not searched: the connection may not read it',
  not_enabled: 'Not searched: not enabled on this helpdesk',
  error: 'Not searched: it kept failing',
  not_looked: 'Not looked at yet for this person',
  not_supported: 'Not searched: Lethe does not read it yet',
  incomplete: 'Not searched fully yet: look again to go on',
};

/**
 * Where Lethe looked for the person: every surface, searched or why not, as of when, how many
 * items, with a link to them. A surface that could not be read says why, never "0".
 */
export function CoverageTable({ dossier }: { dossier: Dossier }): React.JSX.Element {
  const look = useMutation('subjects.look');
  const onDemand = dossier.coverage.some((c) => c.read === 'on_demand' && c.reason !== 'not_supported');
  return (
    <section className="coverage" aria-labelledby="coverage-h">
      <div className="coverage-head">
        <h2 id="coverage-h">Where Lethe looked</h2>
        {onDemand ? (
          <button type="button" className="button" disabled={look.pending} onClick={() => void look.run({ ref: dossier.ref })}>
            {look.pending ? 'Looking…' : 'Look again now'}
          </button>
        ) : null}
      </div>
      {look.error ? <ErrorBanner error={look.error} title="The helpdesk could not be read" /> : null}
      <table className="table coverage-table">
        <ColumnHeads columns={['Place', 'Searched', 'As of', 'Found']} />
        <tbody>
          {dossier.coverage.map((c) => (
            <CoverageRow key={c.surface} c={c} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CoverageRow({ c }: { c: SurfaceCoverage }): React.JSX.Element {
  const state = c.searched ? 'searched' : c.reason === 'not_supported' || c.reason === 'not_looked' ? 'unread' : 'failed';
  return (
    <tr data-surface={c.surface} data-state={state}>
      <th scope="row">
        {c.label}
        <span className="muted coverage-read"> · {c.read === 'synced' ? 'synced' : 'read on demand'}</span>
      </th>
      <td>
        {c.searched ? (
          'Yes'
        ) : (
          <span className={state === 'failed' ? 'coverage-failed' : 'muted'} title={c.detail ?? undefined}>
            {NOT_SEARCHED[c.reason ?? 'error']}
          </span>
        )}
        {c.detail && c.searched ? <div className="muted">{c.detail}</div> : null}
      </td>
      <td>{c.asOf ? new Date(c.asOf).toLocaleString() : '—'}</td>
      <td>
        {c.items === null ? (
          '—'
        ) : c.items > 0 && (c.read === 'on_demand' || c.surface === 'custom_fields') ? (
          // The address bar holds the route: scroll to the items instead of following a fragment.
          <button
            type="button"
            className="link-button"
            aria-label={`${c.items} items: show them`}
            onClick={() => document.getElementById(`surface-${c.surface}`)?.scrollIntoView({ block: 'start' })}
          >
            {c.items}
          </button>
        ) : (
          c.items
        )}
      </td>
    </tr>
  );
}

/** The items the on-demand surfaces found, one table per surface, each with the role and why it matched. */
export function SurfaceItems({ dossier }: { dossier: Dossier }): React.JSX.Element | null {
  const sections = dossier.surfaces.filter((s) => s.items.length > 0);
  if (sections.length === 0) return null;
  return (
    <>
      {sections.map((s) => (
        <section key={s.surface} id={`surface-${s.surface}`} aria-label={s.label} className="surface-items">
          <h3>{s.label}</h3>
          <table className="table">
            <ColumnHeads columns={['Date', 'Item', 'Ticket', 'Role', 'Why it belongs']} />
            <tbody>
              {s.items.map((i) => (
                <tr key={i.id}>
                  <td>{i.at ? new Date(i.at).toLocaleDateString() : ''}</td>
                  <td className="excerpt">{i.label}</td>
                  <td>{i.ticketId ?? ''}</td>
                  <td>{i.roles.join(', ')}</td>
                  <td>{i.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.truncated ? <p className="muted">More items than shown: the archive carries them all.</p> : null}
        </section>
      ))}
    </>
  );
}

/**
 * The person's custom field values (#12 surface 5): their own profile's fields, and organization
 * fields that hold their address or number, each with the field's title and why it is theirs.
 */
export function CustomFields({ dossier }: { dossier: Dossier }): React.JSX.Element | null {
  const fields = dossier.customFields;
  if (fields.length === 0) return null;
  const untitled = fields.some((f) => !f.titleKnown);
  return (
    <section id="surface-custom_fields" aria-label="Custom user and organization fields" className="surface-items">
      <h3>Custom user and organization fields</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Held on</th>
            <th scope="col">Why it belongs</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={`${f.scope}-${f.ownerId}-${f.key}`}>
              <td>
                {f.title}
                {f.titleKnown ? null : <span className="muted"> (field key)</span>}
              </td>
              <td className="excerpt">{f.value}</td>
              <td>
                {f.scope === 'user' ? 'Profile of' : 'Organization'} {f.ownerName || f.ownerId}
              </td>
              <td>{f.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {untitled ? <p className="muted">Some titles could not be read from the helpdesk: the field key is shown instead.</p> : null}
    </section>
  );
}
