import type { AccountWhy, Dossier } from '../../../../shared/contract/groups/subjects';
import { ColumnHeads } from '../../components/ColumnHeads';

function whyText(why: AccountWhy): string {
  return why.kind === 'requested'
    ? 'requested'
    : `confirmed by ${why.by}, ${new Date(why.at).toLocaleDateString()} (with ${why.withUserId}): ${why.reason}`;
}

/** A notice at the top of the dossier while suggestions wait for a decision: nothing includes them yet. */
export function PendingNotice({ dossier }: { dossier: Dossier }): React.JSX.Element | null {
  if (dossier.pendingSuggestions === 0) return null;
  const n = dossier.pendingSuggestions;
  return (
    <div className="notice notice-warn pending-notice" role="note">
      <strong>
        {n} other account{n === 1 ? '' : 's'} share{n === 1 ? 's' : ''} an e-mail address or phone number with this person.
      </strong>{' '}
      Not confirmed as the same person, {n === 1 ? 'it is' : 'they are'} left out of this dossier, archives, erasure plans and actions.{' '}
      <a href="#suggested-links-h">Review the suggested links</a>.
    </div>
  );
}

/** Who the person is: their accounts and why each is theirs, their identities and organizations. */
export function DossierWho({ dossier }: { dossier: Dossier }): React.JSX.Element {
  return (
    <section className="dossier-who" aria-labelledby="dossier-who-h">
      <h2 id="dossier-who-h">Who</h2>
      <table className="table">
        <caption className="muted">Accounts of this person</caption>
        <ColumnHeads columns={['User', 'Name', 'Email', 'Role', 'Why it is this person']} />
        <tbody>
          {dossier.accounts.map((a) => (
            <tr key={a.userId}>
              <td>{a.userId}</td>
              <td>
                {a.name}
                {!a.active ? <span className="pill pill-muted">inactive</span> : null}
                {a.suspended ? <span className="pill pill-muted">suspended</span> : null}
              </td>
              <td>{a.email ?? ''}</td>
              <td>{a.role ?? ''}</td>
              <td>{whyText(a.why)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="who-details">
        <dt>Identities</dt>
        <dd>
          {dossier.identities.length === 0 ? (
            <span className="muted">none in the cache yet; refresh the subject to fetch them</span>
          ) : (
            <ul className="chip-list">
              {dossier.identities.map((i) => (
                <li key={i.id} className="chip" title={i.why}>
                  {i.type === 'phone_number' ? 'phone' : i.type}: {i.value}
                  {i.primary ? ' · primary' : ''}
                  {i.verified ? ' · verified' : ''}
                  {dossier.accounts.length > 1 ? ` · account ${i.userId}` : ''}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {dossier.formerIdentities.length > 0 ? (
          <>
            <dt>Former</dt>
            <dd>
              <ul className="chip-list" aria-label="Former identities">
                {dossier.formerIdentities.map((f) => (
                  <li key={`${f.userId}:${f.type}:${f.value}`} className="chip chip-former" title={f.why}>
                    {f.type === 'phone_number' ? 'phone' : f.type}: {f.value} · former, replaced {f.replacedAt.slice(0, 10)}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        <dt>Organizations</dt>
        <dd>
          {dossier.organizations.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="chip-list">
              {dossier.organizations.map((o) => (
                <li key={o.id} className="chip" title={o.why}>
                  {o.name}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
