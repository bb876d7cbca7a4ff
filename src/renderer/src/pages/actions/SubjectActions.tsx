// Longer than ~400 lines on purpose: the restriction, rectification and objection forms and the action
// history share one confirmation flow and the journal-state labels; each is its own component below.
import { useId, useState } from 'react';
import type { ActionResult, ActionView, FieldChange } from '../../../../shared/contract/groups/actions';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ColumnHeads } from '../../components/ColumnHeads';
import { Options } from '../../components/Options';
import { useActionsMutation, useActionsQuery } from './actions-api';
import { ActionStateMarker } from './ActionStateMarker';
import { ConfirmAction } from './ConfirmAction';
import './actions.css';

const ACTION_LABELS: Record<ActionView['action'], string> = {
  restrict: 'Restriction (Art. 18)',
  lift_restriction: 'Restriction lifted (Art. 18(3))',
  rectify: 'Rectification (Art. 16)',
  object: 'Objection (Art. 21)',
};

const STATE_LABELS: Record<ActionView['state'], string> = {
  queued: 'Queued: waiting for the helpdesk',
  done: 'Done',
  failed: 'Failed',
  stopped: 'Stopped by revalidation',
};

const show = (v: FieldChange['before']): string => (v === null ? '(empty)' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v);

/** What happened to the last action: applied, or waiting in the journal for the helpdesk. */
function Outcome({ result }: { result: ActionResult }): React.JSX.Element {
  const a = result.action;
  if (result.queued) {
    return (
      <div className="banner banner-warn" role="status">
        The helpdesk could not be reached. {ACTION_LABELS[a.action]} is queued and will be checked against the helpdesk again before it is
        sent
        {a.error ? (
          <>
            {' '}
            <code className="error-code">{a.error.code}</code>
          </>
        ) : null}
        .
      </div>
    );
  }
  if (a.state === 'done') {
    return (
      <div className="banner banner-ok" role="status">
        {ACTION_LABELS[a.action]} applied in the helpdesk
        {result.cacheRefreshed ? '; the cached profile is up to date' : '; the cached profile updates at the next sync'}.
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert">
      {ACTION_LABELS[a.action]}: {STATE_LABELS[a.state]}
      {a.error ? (
        <>
          {' '}
          {a.error.message} <code className="error-code">{a.error.code}</code>
        </>
      ) : null}
    </div>
  );
}

function DiffTable({ diff }: { diff: FieldChange[] }): React.JSX.Element {
  return (
    <table className="actions-diff">
      <caption>Changes to apply</caption>
      <ColumnHeads columns={['Field', 'Before', 'After']} />
      <tbody>
        {diff.map((d) => (
          <tr key={d.field}>
            <th scope="row">{d.field}</th>
            <td>
              <del>{show(d.before)}</del>
            </td>
            <td>
              <ins>{show(d.after)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Restriction({ workspaceId, subjectRef, userIds, requestId }: Props): React.JSX.Element {
  const restrict = useActionsMutation('actions.restrict');
  const lift = useActionsMutation('actions.liftRestriction');
  const state = useActionsQuery('actions.state', { ...(workspaceId ? { workspaceId } : {}), subjectRef });
  const [informed, setInformed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  const checkbox = useId();
  const base = { ...(workspaceId ? { workspaceId } : {}), subjectRef, userIds };
  // The state is the journal's (actions.state), so it survives a reload and shows queued restrictions too.
  const restriction = state.data?.restriction ?? 'none';
  const inEffect = restriction === 'restricted' || restriction === 'restricting';
  return (
    <section className="card actions-section" aria-labelledby={`${checkbox}-h`}>
      <h3 id={`${checkbox}-h`}>Restriction of processing</h3>
      <p className="muted">
        Suspends the helpdesk account{userIds.length > 1 ? 's' : ''}, adds the restriction tag and signs the person out everywhere.
      </p>
      <div className="button-row">
        <button
          type="button"
          className="button button-danger"
          disabled={restrict.pending || confirming || inEffect || state.loading}
          onClick={() => setConfirming(true)}
        >
          {restriction === 'restricted' ? 'Restricted' : restriction === 'restricting' ? 'Restriction queued' : 'Restrict processing…'}
        </button>
      </div>
      {confirming ? (
        <ConfirmAction
          title="Restrict processing of this person’s data?"
          effect={`The helpdesk account${userIds.length > 1 ? 's are' : ' is'} suspended, tagged as restricted, and every session is signed out. Lifting it later requires informing the person first (Art. 18(3)).`}
          confirmLabel="Restrict processing"
          pendingLabel="Restricting…"
          pending={restrict.pending}
          danger
          userIds={userIds}
          initialRequestId={requestId}
          onCancel={() => setConfirming(false)}
          onConfirm={async (extra) => {
            const r = await restrict.run({ ...base, ...extra });
            if (r) {
              setResult(r);
              setConfirming(false);
            }
          }}
        />
      ) : null}
      <div className="actions-lift">
        <label htmlFor={checkbox} className="checkbox-row actions-check">
          <input id={checkbox} type="checkbox" checked={informed} onChange={(e) => setInformed(e.target.checked)} />
          <span>I have informed the person that the restriction will be lifted (GDPR Art. 18(3))</span>
        </label>
        <button
          type="button"
          className="button"
          disabled={!informed || lift.pending || restriction === 'none'}
          onClick={async () => {
            const r = await lift.run({ ...base, informedSubject: true, ...(requestId ? { requestId } : {}) });
            if (r) {
              setResult(r);
              setInformed(false);
            }
          }}
        >
          {lift.pending ? 'Lifting…' : 'Lift restriction'}
        </button>
      </div>
      {restrict.error ? <ErrorBanner error={restrict.error} title="The restriction was not recorded" /> : null}
      {lift.error ? <ErrorBanner error={lift.error} title="The restriction was not lifted" /> : null}
      {result ? <Outcome result={result} /> : null}
    </section>
  );
}

const FIELDS = [
  { key: 'name', label: 'Name', type: 'text' },
  { key: 'phone', label: 'Phone', type: 'tel' },
  { key: 'alias', label: 'Alias', type: 'text' },
  { key: 'notes', label: 'Notes', type: 'text' },
] as const;
type FieldKey = (typeof FIELDS)[number]['key'];

function Rectification({ workspaceId, subjectRef, userIds, requestId }: Props): React.JSX.Element {
  const id = useId();
  const settings = useActionsQuery('actions.getSettings', workspaceId ? { workspaceId } : {});
  const preview = useActionsMutation('actions.rectify');
  const apply = useActionsMutation('actions.rectify');
  const [values, setValues] = useState<Partial<Record<FieldKey, string>>>({});
  const [newEmail, setNewEmail] = useState('');
  const [userId, setUserId] = useState<number>(userIds[0] ?? 0);
  const [diff, setDiff] = useState<FieldChange[] | null>(null);
  const [notified, setNotified] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<ActionResult | null>(null);

  const input = () => {
    const fields: Partial<Record<FieldKey, string>> = {};
    for (const f of FIELDS) {
      const v = values[f.key];
      if (v !== undefined && v.trim() !== '') fields[f.key] = v.trim();
    }
    return {
      ...(workspaceId ? { workspaceId } : {}),
      subjectRef,
      userId,
      fields,
      ...(newEmail.trim() ? { newEmail: newEmail.trim() } : {}),
      // Opened from a request: the rectification is filed under it, in its timeline and audit entry.
      ...(requestId ? { requestId } : {}),
    };
  };
  const edited = (): void => {
    setDiff(null);
    setResult(null);
  };
  const recipients = settings.data?.recipients ?? [];

  return (
    <section className="card actions-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Rectification</h3>
      <form
        className="actions-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await preview.run({ ...input(), dryRun: true });
          if (r) setDiff(r.diff);
        }}
      >
        {userIds.length > 1 ? (
          <label>
            Account
            <select value={userId} onChange={(e) => (setUserId(Number(e.target.value)), edited())}>
              <Options values={userIds} />
            </select>
          </label>
        ) : null}
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              type={f.type}
              value={values[f.key] ?? ''}
              maxLength={f.key === 'notes' ? 2000 : 200}
              placeholder="unchanged"
              onChange={(e) => {
                setValues({ ...values, [f.key]: e.target.value });
                edited();
              }}
            />
          </label>
        ))}
        <label>
          New primary e-mail
          <input
            type="email"
            value={newEmail}
            maxLength={254}
            placeholder="unchanged"
            onChange={(e) => {
              setNewEmail(e.target.value);
              edited();
            }}
          />
        </label>
        <p className="muted">An e-mail change adds the new address, makes it primary, then removes the old one, as Zendesk requires.</p>
        <div className="button-row">
          <button type="submit" className="button" disabled={preview.pending}>
            {preview.pending ? 'Comparing…' : 'Preview changes'}
          </button>
        </div>
      </form>
      {preview.error ? <ErrorBanner error={preview.error} title="No preview" /> : null}
      {diff ? (
        <>
          <DiffTable diff={diff} />
          <fieldset className="actions-recipients">
            <legend>Recipients to inform of the rectification (GDPR Art. 19)</legend>
            {settings.error ? <ErrorBanner error={settings.error} title="The recipients could not be read" /> : null}
            {settings.loading ? <p className="muted">Loading recipients…</p> : null}
            {!settings.loading && recipients.length === 0 ? (
              <p className="muted">
                No recipients are listed for this workspace. If the data was disclosed to others (processors, partners), inform them of the
                correction yourself (Art. 19) and note it on the request.
              </p>
            ) : null}
            {recipients.map((name) => (
              <label key={name} className="checkbox-row actions-check">
                <input
                  type="checkbox"
                  checked={notified.has(name)}
                  onChange={(e) => {
                    const next = new Set(notified);
                    if (e.target.checked) next.add(name);
                    else next.delete(name);
                    setNotified(next);
                  }}
                />{' '}
                {name} informed
              </label>
            ))}
          </fieldset>
          <div className="button-row">
            <button
              type="button"
              className="button button-primary"
              disabled={apply.pending}
              onClick={async () => {
                const r = await apply.run({ ...input(), notified: [...notified] });
                if (r) {
                  setResult(r);
                  setDiff(null);
                }
              }}
            >
              {apply.pending ? 'Applying…' : `Apply ${diff.length} change${diff.length === 1 ? '' : 's'}`}
            </button>
          </div>
        </>
      ) : null}
      {apply.error ? <ErrorBanner error={apply.error} title="The rectification was not applied" /> : null}
      {result ? <Outcome result={result} /> : null}
    </section>
  );
}

function Objection({ workspaceId, subjectRef, userIds, requestId }: Props): React.JSX.Element {
  const id = useId();
  const settings = useActionsQuery('actions.getSettings', workspaceId ? { workspaceId } : {});
  const state = useActionsQuery('actions.state', { ...(workspaceId ? { workspaceId } : {}), subjectRef });
  const object = useActionsMutation('actions.object');
  const [confirming, setConfirming] = useState<'marketing' | 'processing' | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  const describe = (kind: 'marketing' | 'processing'): string => {
    const c = settings.data?.objection[kind];
    if (!c) return '';
    const parts = [...c.tags.map((t) => `tag ${t}`), ...c.userFields.map((f) => `field ${f.key}`)];
    return parts.length ? parts.join(', ') : 'nothing configured';
  };
  const inEffect = new Set(state.data?.objections ?? []);
  const label = (kind: 'marketing' | 'processing') => (kind === 'marketing' ? 'No marketing' : 'No processing');
  return (
    <section className="card actions-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Objection and opt-out (Art. 21)</h3>
      {settings.error ? (
        <ErrorBanner error={settings.error} onRetry={settings.reload} title="The objection settings could not be read" />
      ) : null}
      <div className="button-row">
        {(['marketing', 'processing'] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            className="button"
            disabled={object.pending || settings.loading || confirming !== null || inEffect.has(kind)}
            aria-describedby={`${id}-${kind}`}
            onClick={() => setConfirming(kind)}
          >
            {inEffect.has(kind) ? `${label(kind)}: recorded` : `${label(kind)}…`}
          </button>
        ))}
      </div>
      {confirming ? (
        <ConfirmAction
          key={confirming}
          title={`Record an objection: ${label(confirming).toLowerCase()}?`}
          effect={`Applies ${describe(confirming)} to the person’s helpdesk account${userIds.length > 1 ? 's' : ''}.`}
          confirmLabel={`Record “${label(confirming)}”`}
          pendingLabel="Recording…"
          pending={object.pending}
          userIds={userIds}
          initialRequestId={requestId}
          onCancel={() => setConfirming(null)}
          onConfirm={async (extra) => {
            const r = await object.run({ ...(workspaceId ? { workspaceId } : {}), subjectRef, userIds, kind: confirming, ...extra });
            if (r) {
              setResult(r);
              setConfirming(null);
            }
          }}
        />
      ) : null}
      <ul className="muted actions-objection-help">
        <li id={`${id}-marketing`}>No marketing applies: {settings.loading ? 'loading…' : describe('marketing')}</li>
        <li id={`${id}-processing`}>No processing applies: {settings.loading ? 'loading…' : describe('processing')}</li>
      </ul>
      {object.error ? <ErrorBanner error={object.error} title="The objection was not recorded" /> : null}
      {result ? <Outcome result={result} /> : null}
    </section>
  );
}

function History({ workspaceId, subjectRef }: Omit<Props, 'userIds'>): React.JSX.Element {
  const id = useId();
  const list = useActionsQuery('actions.list', { ...(workspaceId ? { workspaceId } : {}), subjectRef }, { refetchMs: 15_000 });
  const flush = useActionsMutation('actions.flush');
  const tick = useActionsMutation('actions.setNotified');
  const [flushed, setFlushed] = useState<string | null>(null);
  const actions = list.data?.actions ?? [];
  const queued = actions.filter((a) => a.state === 'queued').length;
  return (
    <section className="card actions-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>Actions taken</h3>
      {list.loading ? <p className="muted">Loading actions…</p> : null}
      {list.error ? <ErrorBanner error={list.error} onRetry={list.reload} title="The actions could not be listed" /> : null}
      {!list.loading && !list.error && actions.length === 0 ? <p className="muted">No action has been taken on this person yet.</p> : null}
      {queued > 0 ? (
        <div className="banner banner-warn actions-queue-banner" role="status">
          {queued} action{queued === 1 ? ' is' : 's are'} queued until the helpdesk can be reached.
          <button
            type="button"
            className="button button-small"
            disabled={flush.pending}
            onClick={async () => {
              const r = await flush.run(workspaceId ? { workspaceId } : {});
              if (r) setFlushed(`${r.done} sent, ${r.queued} still queued, ${r.failed} failed, ${r.stopped} stopped`);
            }}
          >
            {flush.pending ? 'Sending…' : 'Send queued actions now'}
          </button>
        </div>
      ) : null}
      {flushed ? <p role="status">{flushed}</p> : null}
      {flush.error ? <ErrorBanner error={flush.error} title="The queued actions were not sent" /> : null}
      {tick.error ? <ErrorBanner error={tick.error} title="The checklist was not updated" /> : null}
      {actions.length > 0 ? (
        <ul className="actions-history">
          {actions.map((a) => (
            <li key={a.id} className={`actions-item actions-${a.state}`}>
              <div>
                <strong>{ACTION_LABELS[a.action]}</strong>
                {a.objection ? ` — ${a.objection}` : ''} <span className="actions-state">{STATE_LABELS[a.state]}</span>
              </div>
              <div className="muted">
                <time dateTime={a.createdAt}>{new Date(a.createdAt).toLocaleString()}</time> by {a.actor}
                {a.fields.length ? ` · fields: ${a.fields.join(', ')}` : ''}
                {a.requestId ? (
                  <>
                    {' · for '}
                    <a href={hrefFor('requests', [a.requestId])}>the request</a>
                  </>
                ) : null}
              </div>
              {a.reason ? <div>Reason: {a.reason}</div> : null}
              {a.error ? (
                <div>
                  {a.error.message} <code className="error-code">{a.error.code}</code>
                </div>
              ) : null}
              {a.recipients.length > 0 ? (
                <fieldset className="actions-recipients">
                  <legend>Recipients informed (Art. 19)</legend>
                  {a.recipients.map((r) => (
                    <label key={r.name} className="checkbox-row actions-check">
                      <input
                        type="checkbox"
                        checked={r.notified}
                        disabled={tick.pending}
                        onChange={(e) =>
                          void tick.run({
                            ...(workspaceId ? { workspaceId } : {}),
                            actionId: a.id,
                            recipient: r.name,
                            notified: e.target.checked,
                          })
                        }
                      />{' '}
                      {r.name}
                    </label>
                  ))}
                </fieldset>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

interface Props {
  workspaceId?: string | undefined;
  subjectRef: string;
  userIds: number[];
  /** The request the dossier was opened from: actions default to it. */
  requestId?: string | undefined;
}

/** Restriction, rectification and objection on the person's helpdesk account, for the Dossier page. */
export function SubjectActions(props: Props): React.JSX.Element {
  return (
    <div className="subject-actions">
      <ActionStateMarker workspaceId={props.workspaceId} subjectRef={props.subjectRef} />
      <History workspaceId={props.workspaceId} subjectRef={props.subjectRef} />
      <Restriction {...props} />
      <Rectification {...props} />
      <Objection {...props} />
    </div>
  );
}
