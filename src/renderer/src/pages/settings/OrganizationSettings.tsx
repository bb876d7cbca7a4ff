import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Regulation } from '../../../../shared/deadlines/types';
import {
  SHEET_SECTIONS,
  SHEET_TEMPLATES,
  TEMPLATE_SECTIONS,
  missingSheetSections,
  sheetFieldAnchor,
  type SheetKey,
  type TemplateKey,
} from '../../../../shared/information-sheet';
import type { Settings } from '../../../../shared/schemas/settings';
import { useHashLocation } from '../../app/router';
import { useMutation } from '../../api/hooks';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SubmitRow } from '../../components/SubmitRow';
import { Options } from '../../components/Options';

const SHEET_LABELS: Record<SheetKey, string> = {
  purposes: 'Purposes of the processing',
  categories: 'Categories of personal data',
  recipients: 'Recipients or categories of recipients',
  retention: 'Retention period or the criteria for it',
  rights: 'Rights to rectification, erasure, restriction and objection',
  complaint: 'Right to lodge a complaint with a supervisory authority',
  source: 'Source of the data, where not collected from the person',
  automatedDecisions: 'Automated decision-making, including profiling',
};

const REGULATION_NAMES: Record<Regulation, string> = { GDPR: 'GDPR (EU)', UK_GDPR: 'UK GDPR', CCPA: 'CCPA / CPRA', LGPD: 'LGPD (Brazil)' };

/** A section still holding a template's exact text has not been reviewed yet. */
function templateOf(key: SheetKey, text: string): Regulation | null {
  if (!(TEMPLATE_SECTIONS as readonly string[]).includes(key) || text.trim() === '') return null;
  const found = (Object.keys(SHEET_TEMPLATES) as Regulation[]).find((r) => SHEET_TEMPLATES[r][key as TemplateKey] === text);
  return found ?? null;
}

/** Scrolls to and focuses the field an error linked to (`#/settings?focus=sheet-rights`). */
function useFocusFromLocation(): void {
  const focus = useHashLocation().query.get('focus');
  useEffect(() => {
    if (!focus) return;
    const field = document.getElementById(focus);
    field?.scrollIntoView({ block: 'center' });
    field?.focus();
  }, [focus]);
}

export function OrganizationSettings({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }): React.JSX.Element {
  const id = useId();
  const [draft, setDraft] = useState<Settings>(settings);
  const [saved, setSaved] = useState(false);
  const save = useMutation('settings.set');
  const [regulation, setRegulation] = useState<Regulation>('GDPR');
  useFocusFromLocation();
  const missing = missingSheetSections(draft.informationSheet);

  /** Fills the statutory sections that are empty; never overwrites what the officer wrote. */
  const applyTemplates = () => {
    const template = SHEET_TEMPLATES[regulation];
    const sheet = { ...draft.informationSheet };
    for (const key of TEMPLATE_SECTIONS) if (sheet[key].trim() === '') sheet[key] = template[key];
    setDraft({ ...draft, informationSheet: sheet });
    setSaved(false);
  };
  const emptyStatutory = TEMPLATE_SECTIONS.filter((key) => draft.informationSheet[key].trim() === '').length;

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
        GDPR Art. 15(1) requires these facts alongside the copy of the data. Write them once; every access archive includes them, and an
        access archive is refused while a section is empty. The demo workspace uses example texts for the sections left empty here.
      </p>
      <p role="status" className={missing.length > 0 ? 'text-warn' : 'text-ok'}>
        {missing.length > 0
          ? `${missing.length} of ${SHEET_SECTIONS.length} sections empty: access archives are refused until they are filled in.`
          : 'Every section is filled in.'}
      </p>
      <div className="sheet-templates">
        <label htmlFor={`${id}-template`}>Templates for the statutory sections (rights, complaint, automated decisions)</label>
        <div className="button-row">
          <select id={`${id}-template`} value={regulation} onChange={(e) => setRegulation(e.target.value as Regulation)}>
            <Options values={Object.keys(REGULATION_NAMES) as Regulation[]} label={(r) => REGULATION_NAMES[r]} />
          </select>
          <button type="button" className="button" onClick={applyTemplates} disabled={emptyStatutory === 0}>
            {emptyStatutory === 0
              ? 'No empty statutory section'
              : `Fill ${emptyStatutory} empty statutory section${emptyStatutory === 1 ? '' : 's'}`}
          </button>
        </div>
        <p className="muted">
          Templates are starting texts, not legal advice: read each one, name your supervisory authority and say whether you make automated
          decisions before you save. A template left unchanged is marked below.
        </p>
      </div>
      {SHEET_SECTIONS.map(({ key, article }) => {
        const fromTemplate = templateOf(key, draft.informationSheet[key]);
        const empty = draft.informationSheet[key].trim() === '';
        return (
          <div key={key} className="field">
            <label htmlFor={sheetFieldAnchor(key)}>
              {SHEET_LABELS[key]} <span className="muted">({article})</span>
              {empty ? <span className="pill pill-warn">empty</span> : null}
              {fromTemplate ? <span className="pill pill-warn">{REGULATION_NAMES[fromTemplate]} template: to review</span> : null}
            </label>
            <textarea
              id={sheetFieldAnchor(key)}
              rows={fromTemplate ? 4 : 2}
              value={draft.informationSheet[key]}
              maxLength={20000}
              aria-invalid={empty}
              onChange={(e) => setDraft({ ...draft, informationSheet: { ...draft.informationSheet, [key]: e.target.value } })}
            />
          </div>
        );
      })}
      {save.error ? <ErrorBanner error={save.error} title="Settings were not saved" /> : null}
      <SubmitRow label="Save settings" pending={save.pending} pendingLabel="Saving…" saved={saved} />
    </form>
  );
}
