import { useId, useState, type FormEvent } from 'react';
import type { ExemptionRules } from '../../../../shared/contract/groups/erasure';
import { useMutation, useOperation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SubmitRow } from '../../components/SubmitRow';
import { Options } from '../../components/Options';

type Ground = ExemptionRules['tags'][number]['ground'];

/** Plain words plus the articles the receipt cites (see src/main/core/erasure/citations.ts). */
const GROUNDS: ReadonlyArray<readonly [Ground, string]> = [
  ['legal_claims', 'Legal claims: GDPR Art. 17(3)(e), CCPA §1798.105(d), LGPD Art. 16'],
  ['legal_obligation', 'Legal obligation: GDPR Art. 17(3)(b), CCPA §1798.105(d), LGPD Art. 16 I'],
];

function GroundSelect({ id, value, onChange }: { id: string; value: Ground; onChange: (g: Ground) => void }): React.JSX.Element {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as Ground)}>
      <Options pairs={GROUNDS} />
    </select>
  );
}

function RulesForm({ workspaceId, rules }: { workspaceId: string; rules: ExemptionRules }): React.JSX.Element {
  const id = useId();
  const [draft, setDraft] = useState<ExemptionRules>(rules);
  const [saved, setSaved] = useState(false);
  const save = useMutation('erasure.setRules');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (await save.run({ workspaceId, rules: draft })) setSaved(true);
  };
  const setTag = (i: number, patch: Partial<ExemptionRules['tags'][number]>) =>
    setDraft({ ...draft, tags: draft.tags.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  const setField = (i: number, patch: Partial<ExemptionRules['fields'][number]>) =>
    setDraft({ ...draft, fields: draft.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Erasure exemptions</h3>
      <p className="muted">
        Tickets that match a rule are kept when a person asks to be forgotten, and the plan and receipt cite the legal ground. New plans use
        these rules; plans already made keep theirs.
      </p>

      <fieldset>
        <legend>Tags that keep a ticket</legend>
        {draft.tags.length === 0 ? <p className="hint">No tag rules.</p> : null}
        {draft.tags.map((t, i) => (
          <div key={i} className="rule-row">
            <label htmlFor={`${id}-tag-${i}`}>Tag</label>
            <input id={`${id}-tag-${i}`} value={t.tag} maxLength={80} required onChange={(e) => setTag(i, { tag: e.target.value })} />
            <label htmlFor={`${id}-tag-ground-${i}`}>Ground</label>
            <GroundSelect id={`${id}-tag-ground-${i}`} value={t.ground} onChange={(ground) => setTag(i, { ground })} />
            <label htmlFor={`${id}-tag-note-${i}`}>Note</label>
            <input id={`${id}-tag-note-${i}`} value={t.note} maxLength={200} onChange={(e) => setTag(i, { note: e.target.value })} />
            <button
              type="button"
              className="button button-small"
              onClick={() => setDraft({ ...draft, tags: draft.tags.filter((_, j) => j !== i) })}
            >
              Remove tag rule {t.tag}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() => setDraft({ ...draft, tags: [...draft.tags, { tag: '', ground: 'legal_claims', note: '' }] })}
        >
          Add a tag rule
        </button>
      </fieldset>

      <fieldset>
        <legend>Custom fields that keep a ticket</legend>
        <p className="hint">
          Only ticket fields flagged as personal data are in the cache. Leave the value empty to keep any ticket where the field is set.
        </p>
        {draft.fields.length === 0 ? <p className="hint">No field rules.</p> : null}
        {draft.fields.map((f, i) => (
          <div key={i} className="rule-row">
            <label htmlFor={`${id}-field-${i}`}>Field id</label>
            <input
              id={`${id}-field-${i}`}
              inputMode="numeric"
              value={String(f.fieldId)}
              onChange={(e) => setField(i, { fieldId: Number(e.target.value.replace(/\D/g, '')) || 0 })}
            />
            <label htmlFor={`${id}-field-value-${i}`}>Value</label>
            <input
              id={`${id}-field-value-${i}`}
              value={f.equals ?? ''}
              maxLength={200}
              onChange={(e) => setField(i, { equals: e.target.value === '' ? null : e.target.value })}
            />
            <label htmlFor={`${id}-field-ground-${i}`}>Ground</label>
            <GroundSelect id={`${id}-field-ground-${i}`} value={f.ground} onChange={(ground) => setField(i, { ground })} />
            <button
              type="button"
              className="button button-small"
              onClick={() => setDraft({ ...draft, fields: draft.fields.filter((_, j) => j !== i) })}
            >
              Remove field rule
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() =>
            setDraft({ ...draft, fields: [...draft.fields, { fieldId: 0, equals: null, ground: 'legal_obligation', note: '' }] })
          }
        >
          Add a field rule
        </button>
      </fieldset>

      <label htmlFor={`${id}-retention`}>Keep tickets younger than this many days (a statutory retention period; 0 = off)</label>
      <input
        id={`${id}-retention`}
        type="number"
        min={0}
        max={36500}
        value={draft.retentionDays}
        onChange={(e) => setDraft({ ...draft, retentionDays: Math.max(0, Math.min(36500, Math.trunc(Number(e.target.value) || 0))) })}
      />
      <label htmlFor={`${id}-retention-note`}>Retention rule (cited in plans)</label>
      <input
        id={`${id}-retention-note`}
        value={draft.retentionNote}
        maxLength={200}
        onChange={(e) => setDraft({ ...draft, retentionNote: e.target.value })}
      />

      <label htmlFor={`${id}-api`}>Comment redaction</label>
      <select
        id={`${id}-api`}
        value={draft.redactionApi}
        onChange={(e) => setDraft({ ...draft, redactionApi: e.target.value as ExemptionRules['redactionApi'] })}
      >
        <option value="auto">Newer endpoint where available, older where not</option>
        <option value="comment_redactions">Newer endpoint only (Agent Workspace; works on closed tickets)</option>
        <option value="legacy">Older endpoint only (not on closed tickets)</option>
      </select>

      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={draft.requireApproval}
          onChange={(e) => setDraft({ ...draft, requireApproval: e.target.checked })}
        />{' '}
        A second person must approve a plan before it runs
      </label>

      {save.error ? <ErrorBanner error={save.error} title="The exemption rules were not saved" /> : null}
      <SubmitRow label="Save exemption rules" pending={save.pending} pendingLabel="Saving…" saved={saved} />
    </form>
  );
}

export function ExemptionRulesSettings({ workspaceId }: { workspaceId: string }): React.JSX.Element {
  const rules = useOperation('erasure.getRules', { workspaceId });
  if (rules.error) return <ErrorBanner error={rules.error} onRetry={rules.reload} title="The exemption rules could not be read" />;
  if (!rules.data) return <p className="muted">Loading the exemption rules…</p>;
  return <RulesForm key={workspaceId} workspaceId={workspaceId} rules={rules.data} />;
}
