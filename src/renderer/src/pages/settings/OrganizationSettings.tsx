import { useId, useState, type FormEvent } from 'react';
import type { Settings } from '../../../../shared/schemas/settings';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';

const SHEET_FIELDS: Array<{ key: keyof Settings['informationSheet']; label: string; article: string }> = [
  { key: 'purposes', label: 'Purposes of the processing', article: 'Art. 15(1)(a)' },
  { key: 'categories', label: 'Categories of personal data', article: 'Art. 15(1)(b)' },
  { key: 'recipients', label: 'Recipients or categories of recipients', article: 'Art. 15(1)(c)' },
  { key: 'retention', label: 'Retention period or the criteria for it', article: 'Art. 15(1)(d)' },
  { key: 'rights', label: 'Rights to rectification, erasure, restriction and objection', article: 'Art. 15(1)(e)' },
  { key: 'complaint', label: 'Right to lodge a complaint with a supervisory authority', article: 'Art. 15(1)(f)' },
  { key: 'source', label: 'Source of the data, where not collected from the person', article: 'Art. 15(1)(g)' },
  { key: 'automatedDecisions', label: 'Automated decision-making, including profiling', article: 'Art. 15(1)(h)' },
];

export function OrganizationSettings({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }): React.JSX.Element {
  const id = useId();
  const [draft, setDraft] = useState<Settings>(settings);
  const [saved, setSaved] = useState(false);
  const save = useMutation('settings.set');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const next = await save.run(draft);
    if (next) {
      setSaved(true);
      onSaved(next);
    }
  };

  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Organisation</h3>
      <label htmlFor={`${id}-org`}>Organisation name</label>
      <input
        id={`${id}-org`}
        value={draft.organizationName}
        maxLength={200}
        onChange={(e) => setDraft({ ...draft, organizationName: e.target.value })}
      />
      <label htmlFor={`${id}-tz`}>Time zone for received dates and deadlines</label>
      <input
        id={`${id}-tz`}
        value={draft.timeZone}
        maxLength={64}
        onChange={(e) => setDraft({ ...draft, timeZone: e.target.value })}
        placeholder="Europe/Berlin"
      />
      <label htmlFor={`${id}-theme`}>Appearance</label>
      <select id={`${id}-theme`} value={draft.theme} onChange={(e) => setDraft({ ...draft, theme: e.target.value as Settings['theme'] })}>
        <option value="system">Follow the system</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>

      <h3>Information sheet for access archives</h3>
      <p className="muted">
        GDPR Art. 15(1) requires these facts alongside the copy of the data. Write them once; every access archive includes them.
      </p>
      {SHEET_FIELDS.map((field) => (
        <div key={field.key} className="field">
          <label htmlFor={`${id}-${field.key}`}>
            {field.label} <span className="muted">({field.article})</span>
          </label>
          <textarea
            id={`${id}-${field.key}`}
            rows={2}
            value={draft.informationSheet[field.key]}
            maxLength={20000}
            onChange={(e) => setDraft({ ...draft, informationSheet: { ...draft.informationSheet, [field.key]: e.target.value } })}
          />
        </div>
      ))}
      {save.error ? <ErrorBanner error={save.error} title="Settings were not saved" /> : null}
      <div className="button-row">
        {saved ? (
          <span className="text-ok" role="status">
            Saved
          </span>
        ) : null}
        <button type="submit" className="button button-primary" disabled={save.pending}>
          {save.pending ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
