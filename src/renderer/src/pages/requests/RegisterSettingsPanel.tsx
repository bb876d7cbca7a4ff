import { useState } from 'react';
import type { RegisterSettings } from '../../../../shared/contract/groups/requests';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SubmitRow } from '../../components/SubmitRow';
import { REGULATION_LABELS } from './labels';
import { useRegisterMutation, useRegisterQuery, type RegisterOutput } from './register-api';

type Regulation = keyof RegisterSettings['deadlines'];
const REGULATIONS: Regulation[] = ['GDPR', 'UK_GDPR', 'CCPA', 'LGPD'];

const ROLL_HELP: Record<Regulation, string> = {
  GDPR: 'Reg. 1182/71 Art. 3(4): a period ending on a weekend or holiday ends on the next working day.',
  UK_GDPR: 'Same rule as the EU GDPR.',
  CCPA: '11 CCR §7021(b) counts calendar days and says nothing of rolling; off keeps the earlier date.',
  LGPD: 'The reference is silent; off keeps the earlier date.',
};

function parseDates(text: string): { dates: string[]; bad: string[] } {
  const parts = text.split(/[\s,;]+/).filter((p) => p.length > 0);
  const bad = parts.filter((p) => !/^\d{4}-\d{2}-\d{2}$/.test(p) || Number.isNaN(Date.parse(`${p}T00:00:00Z`)));
  return { dates: [...new Set(parts.filter((p) => !bad.includes(p)))].sort(), bad };
}

function defaultLabel(resolved: { code: string; name: string } | null | undefined): string {
  if (resolved === undefined) return 'Default';
  return resolved ? `Default: ${resolved.name} (${resolved.code})` : 'Default: none for your time zone; choose a country';
}

function SettingsForm({ initial }: { initial: RegisterSettings }): React.JSX.Element {
  const save = useRegisterMutation('requests.setSettings');
  const retention = useRegisterMutation('requests.applyRetention');
  const [holidays, setHolidays] = useState<Record<Regulation, string>>(
    () => Object.fromEntries(REGULATIONS.map((r) => [r, initial.deadlines[r].holidays.join('\n')])) as Record<Regulation, string>,
  );
  const choices = useRegisterQuery('requests.holidayCalendars', {});
  const [calendar, setCalendar] = useState<Record<Regulation, string>>(
    () => Object.fromEntries(REGULATIONS.map((r) => [r, initial.deadlines[r].publicHolidays])) as Record<Regulation, string>,
  );
  const [roll, setRoll] = useState<Record<Regulation, boolean>>({
    GDPR: initial.deadlines.GDPR.rollToWorkingDay,
    UK_GDPR: initial.deadlines.UK_GDPR.rollToWorkingDay,
    CCPA: initial.deadlines.CCPA.rollToBusinessDay,
    LGPD: initial.deadlines.LGPD.rollToWorkingDay,
  });
  const [keepMonths, setKeepMonths] = useState(String(initial.retention.keepClosedMonths));
  const [purgeDays, setPurgeDays] = useState(
    initial.retention.purgeContactAfterDays === null ? '' : String(initial.retention.purgeContactAfterDays),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [outcome, setOutcome] = useState<RegisterOutput<'requests.applyRetention'> | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const parsed = Object.fromEntries(REGULATIONS.map((r) => [r, parseDates(holidays[r])])) as Record<
      Regulation,
      { dates: string[]; bad: string[] }
    >;
    const bad = REGULATIONS.flatMap((r) => parsed[r].bad.map((b) => `${REGULATION_LABELS[r]}: ${b}`));
    if (bad.length > 0) return setProblem(`Not a date (YYYY-MM-DD): ${bad.slice(0, 5).join(', ')}`);
    const months = Number(keepMonths);
    if (!Number.isInteger(months) || months < 24) return setProblem('Keep closed requests for at least 24 months (11 CCR §7101).');
    const days = purgeDays.trim() === '' ? null : Number(purgeDays);
    if (days !== null && (!Number.isInteger(days) || days < 0))
      return setProblem('Purge after a whole number of days, or leave it empty to keep contact details.');
    setProblem(null);
    const d = initial.deadlines;
    const result = await save.run({
      deadlines: {
        GDPR: { ...d.GDPR, publicHolidays: calendar.GDPR, holidays: parsed.GDPR.dates, rollToWorkingDay: roll.GDPR },
        UK_GDPR: { ...d.UK_GDPR, publicHolidays: calendar.UK_GDPR, holidays: parsed.UK_GDPR.dates, rollToWorkingDay: roll.UK_GDPR },
        CCPA: { ...d.CCPA, publicHolidays: calendar.CCPA, holidays: parsed.CCPA.dates, rollToBusinessDay: roll.CCPA },
        LGPD: { ...d.LGPD, publicHolidays: calendar.LGPD, holidays: parsed.LGPD.dates, rollToWorkingDay: roll.LGPD },
      },
      retention: { keepClosedMonths: months, purgeContactAfterDays: days },
    });
    if (result) setSaved(true);
  };

  return (
    <>
      <form className="form card settings-form" onSubmit={(e) => void submit(e)} aria-labelledby="deadline-settings-title">
        <h2 id="deadline-settings-title">Deadline calendars</h2>
        <p className="muted">
          Public holidays of the supervisory authority&apos;s country are not working days; by default that country follows the regulation
          (for the GDPR, your organisation&apos;s time zone). Add further holidays one per line (YYYY-MM-DD). Weekends are Saturday and
          Sunday.
        </p>
        <div className="calendar-grid">
          {REGULATIONS.map((r) => (
            <fieldset key={r}>
              <legend>{REGULATION_LABELS[r]}</legend>
              <label htmlFor={`cal-${r}`}>Public-holiday calendar</label>
              <select id={`cal-${r}`} value={calendar[r]} onChange={(e) => setCalendar((c) => ({ ...c, [r]: e.target.value }))}>
                <option value="default">{defaultLabel(choices.data?.defaults[r])}</option>
                <option value="none">None: weekends and the dates below only</option>
                {calendar[r] !== 'default' && calendar[r] !== 'none' && !choices.data ? (
                  <option value={calendar[r]}>{calendar[r]}</option>
                ) : null}
                {choices.data?.calendars.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name} ({c.code})
                  </option>
                ))}
              </select>
              <label htmlFor={`hol-${r}`}>Further holidays</label>
              <textarea
                id={`hol-${r}`}
                rows={5}
                value={holidays[r]}
                onChange={(e) => setHolidays((h) => ({ ...h, [r]: e.target.value }))}
              />
              <label className="check">
                <input type="checkbox" checked={roll[r]} onChange={(e) => setRoll((x) => ({ ...x, [r]: e.target.checked }))} /> Move a
                deadline on a non-working day to the next working day
              </label>
              <p className="hint">{ROLL_HELP[r]}</p>
            </fieldset>
          ))}
        </div>
        <h2>Retention of request records</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="keep-months">Keep closed requests for (months)</label>
            <input id="keep-months" type="number" min={24} max={1200} value={keepMonths} onChange={(e) => setKeepMonths(e.target.value)} />
            <p className="hint">At least 24 (11 CCR §7101). The audit log is never shortened.</p>
          </div>
          <div className="field">
            <label htmlFor="purge-days">Purge requester contact details after closing (days)</label>
            <input
              id="purge-days"
              type="number"
              min={0}
              max={36500}
              value={purgeDays}
              onChange={(e) => setPurgeDays(e.target.value)}
              placeholder="Keep"
            />
            <p className="hint">Empty keeps them. The record stays; name, e-mail and phone go.</p>
          </div>
        </div>
        {problem ? (
          <p className="text-danger" role="alert">
            {problem}
          </p>
        ) : null}
        {save.error ? <ErrorBanner error={save.error} title="The settings were not saved" /> : null}
        {saved ? (
          <p className="text-ok" role="status">
            Saved. Deadlines are recomputed with these rules.
          </p>
        ) : null}
        <SubmitRow label="Save settings" pending={save.pending} />
      </form>
      <section className="card" aria-labelledby="retention-title">
        <h2 id="retention-title">Apply retention now</h2>
        <p className="muted">Check first what the saved settings would remove today.</p>
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={retention.pending}
            onClick={async () => setOutcome((await retention.run({ dryRun: true })) ?? null)}
          >
            Check
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={retention.pending || !outcome || !outcome.dryRun || outcome.deletedRequests + outcome.purgedContacts === 0}
            onClick={async () => setOutcome((await retention.run({ dryRun: false })) ?? null)}
          >
            Apply
          </button>
        </div>
        {retention.error ? <ErrorBanner error={retention.error} title="Retention was not applied" /> : null}
        {outcome ? (
          <p role="status">
            {outcome.dryRun ? 'Would delete' : 'Deleted'} {outcome.deletedRequests} request records and{' '}
            {outcome.dryRun ? 'purge' : 'purged'} the contact details of {outcome.purgedContacts}.
          </p>
        ) : null}
      </section>
    </>
  );
}

export function RegisterSettingsPanel(): React.JSX.Element {
  const settings = useRegisterQuery('requests.getSettings', {});
  if (settings.loading)
    return (
      <p className="muted" role="status">
        Loading settings…
      </p>
    );
  if (settings.error)
    return <ErrorBanner error={settings.error} onRetry={settings.reload} title="The register settings could not be read" />;
  return settings.data ? <SettingsForm initial={settings.data} /> : <></>;
}
