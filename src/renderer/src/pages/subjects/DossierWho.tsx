import type { AccountWhy, Dossier } from '../../../../shared/contract/groups/subjects';
import { SuggestedLinks } from './SuggestedLinks';

function whyText(why: AccountWhy): string {
  return why.kind === 'requested'
    ? 'the account the subject was opened on'
    : `confirmed by ${why.by} on ${new Date(why.at).toLocaleDateString()} (with account ${why.withUserId}): ${why.reason}`;
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

/** Who the person is: their accounts and why each is theirs, their identities and organizations, the suggested links. */
export function DossierWho({ dossier }: { dossier: Dossier }): React.JSX.Element {
  return (
    <section className="dossier-who" aria-labelledby="dossier-who-h">
      <h2 id="dossier-who-h">Who</h2>
      <table className="table">
        <caption className="muted">Accounts of this person</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Why it is this person</th>
          </tr>
        </thead>
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
      <div className="who-details">
        <div>
          <h3>Identities</h3>
          {dossier.identities.length === 0 ? (
            <p className="muted">The cache holds no identities for these accounts yet; refresh the subject to fetch them.</p>
          ) : (
            <ul className="plain-list">
              {dossier.identities.map((i) => (
                <li key={i.id}>
                  {i.type}: {i.value}{' '}
                  <span className="muted">
                    ({i.why}
                    {i.verified ? ', verified' : ''})
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Organizations</h3>
          {dossier.organizations.length === 0 ? (
            <p className="muted">No organization.</p>
          ) : (
            <ul className="plain-list">
              {dossier.organizations.map((o) => (
                <li key={o.id}>
                  {o.name} <span className="muted">({o.why})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <SuggestedLinks subjectRef={dossier.ref} suggestions={dossier.suggestions} truncated={dossier.suggestionsTruncated} />
    </section>
  );
}
