import { useId, useState } from 'react';
import type { LinkEvidence, LinkSuggestion } from '../../../../shared/contract/groups/subjects';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';

/** Past this many accounts, a shared value is more likely a switchboard or a team mailbox than one person. */
const WIDELY_SHARED = 3;

export function evidenceText(e: LinkEvidence): string {
  const what = e.identityType === 'email' ? 'e-mail' : 'phone';
  const others = e.sharedBy - 1;
  return `${what} ${e.value} (with account ${e.withUserId}${e.verified ? ', verified' : ''}) · on ${e.sharedBy} accounts${
    others > 1 ? ` (${others} others)` : ''
  }`;
}

/**
 * Accounts that share an e-mail address or phone number with the person, with the evidence, and
 * the officer's decision on each: nothing includes them until one is confirmed (docs/identity.md).
 */
export function SuggestedLinks({
  subjectRef,
  suggestions,
  truncated,
  requestId = null,
}: {
  subjectRef: string;
  suggestions: LinkSuggestion[];
  truncated: boolean;
  /** The request the dossier was opened for: each decision's audit entry names it. */
  requestId?: string | null;
}): React.JSX.Element {
  const pending = suggestions.filter((s) => s.decision === null);
  const rejected = suggestions.filter((s) => s.decision !== null);
  return (
    <section className="suggested-links" aria-labelledby="suggested-links-h">
      <h3 id="suggested-links-h">
        Suggested links {pending.length > 0 ? <span className="pill pill-warn">{pending.length} to decide</span> : null}
      </h3>
      {suggestions.length === 0 ? (
        <p className="muted">No other account shares an e-mail address or phone number with this person.</p>
      ) : (
        <>
          <p className="muted">
            These accounts share an e-mail address or phone number with this person. A shared number can be a household landline or a
            switchboard, a shared address a family or team mailbox: they are left out of archives, erasure plans and actions until you
            confirm one is the same person.
          </p>
          <ul className="suggestion-list">
            {[...pending, ...rejected].map((s) => (
              <Suggestion key={s.userId} subjectRef={subjectRef} suggestion={s} requestId={requestId} />
            ))}
          </ul>
          {truncated ? <p className="muted">More accounts share these values than are listed here.</p> : null}
        </>
      )}
    </section>
  );
}

function Suggestion({
  subjectRef,
  suggestion: s,
  requestId,
}: {
  subjectRef: string;
  suggestion: LinkSuggestion;
  requestId: string | null;
}): React.JSX.Element {
  const id = useId();
  const target = { ref: subjectRef, userId: s.userId, ...(requestId ? { requestId } : {}) };
  const link = useMutation('subjects.link');
  const reject = useMutation('subjects.reject');
  const undo = useMutation('subjects.unlink');
  const [reason, setReason] = useState('');
  const busy = link.pending || reject.pending || undo.pending;
  const valid = reason.trim().length >= 3;
  const wide = s.sharedBy > WIDELY_SHARED;
  return (
    <li className={`card suggestion${s.decision ? ' suggestion-rejected' : ''}`} aria-labelledby={`${id}-name`}>
      <div className="suggestion-head">
        <strong id={`${id}-name`}>
          Account {s.userId} · {s.name || 'no name'}
        </strong>
        <span className="muted">
          {s.role ?? 'end-user'}
          {s.active ? '' : ', inactive'}
        </span>
        {wide ? <span className="pill pill-warn">shared by {s.sharedBy} accounts: a switchboard or shared mailbox?</span> : null}
      </div>
      <ul className="plain-list suggestion-evidence" aria-label="Evidence">
        {s.evidence.map((e) => (
          <li key={`${e.identityType}-${e.withUserId}-${e.value}`}>Shares {evidenceText(e)}</li>
        ))}
      </ul>
      {s.decision ? (
        <div className="suggestion-decision">
          <p>
            <strong>Rejected</strong> by {s.decision.by} on {new Date(s.decision.at).toLocaleDateString()}: {s.decision.reason}
          </p>
          <button type="button" className="button" disabled={busy} onClick={() => void undo.run(target)}>
            {undo.pending ? 'Undoing…' : 'Undo rejection'}
          </button>
        </div>
      ) : (
        <div className="suggestion-decide">
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason (kept with the decision)</label>
            <input
              id={`${id}-reason`}
              type="text"
              value={reason}
              maxLength={500}
              placeholder="e.g. Confirmed by the requester on the phone"
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <div className="button-row">
            <button
              type="button"
              className="button button-primary"
              disabled={!valid || busy}
              onClick={() => void link.run({ ...target, reason: reason.trim() })}
            >
              {link.pending ? 'Confirming…' : 'Same person: confirm'}
            </button>
            <button
              type="button"
              className="button"
              disabled={!valid || busy}
              onClick={() => void reject.run({ ...target, reason: reason.trim() })}
            >
              {reject.pending ? 'Rejecting…' : 'Not the same person: reject'}
            </button>
          </div>
          {!valid ? <p className="muted suggestion-hint">Give a reason of at least 3 characters to confirm or reject.</p> : null}
        </div>
      )}
      {link.error ? <ErrorBanner error={link.error} title="The link was not confirmed" /> : null}
      {reject.error ? <ErrorBanner error={reject.error} title="The link was not rejected" /> : null}
      {undo.error ? <ErrorBanner error={undo.error} title="The decision was not undone" /> : null}
    </li>
  );
}
