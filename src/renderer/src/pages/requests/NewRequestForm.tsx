import { useMemo, useState } from 'react';
import {
  CONTACT_REQUIRED,
  REGULATION_START,
  REQUEST_FIELD_LIMITS,
  requestOperations,
  type Request,
} from '../../../../shared/contract/groups/requests';
import { wallTimeToInstant } from '../../../../shared/deadlines/civil-date';
import { useOperation } from '../../api/hooks';
import { navigateTo } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SubmitRow } from '../../components/SubmitRow';
import { Options } from '../../components/Options';
import { CHANNELS, CHANNEL_LABELS, REGULATION_LABELS, TYPE_LABELS } from './labels';
import { useRegisterMutation } from './register-api';

type Field = 'received' | 'contact' | 'name' | 'email' | 'phone' | 'owner' | 'notes';
type FieldErrors = Partial<Record<Field, string>>;

/** Where each contract path is shown: beside its field, never as `requester.email: …` at the bottom. */
const FIELD_OF_PATH: Record<string, Field> = {
  receivedAt: 'received',
  requester: 'contact',
  'requester.name': 'name',
  'requester.email': 'email',
  'requester.phone': 'phone',
  owner: 'owner',
  notes: 'notes',
};

const SENTENCE: Record<Field, (message: string) => string> = {
  received: (m) => `The received date ${m}.`,
  contact: () => `Give at least one way to reach the requester: a name, an e-mail address or a phone number.`,
  name: (m) => `The name must be ${m}.`,
  email: (m) => `Enter ${m}.`,
  phone: (m) => `The phone number may contain ${m.replace(/^only /, 'only ')}.`,
  owner: (m) => `The owner must be ${m}.`,
  notes: (m) => `The notes must be ${m}.`,
};

function sentenceFor(field: Field, message: string): string {
  if (field === 'phone' && message.startsWith('at most')) return `The phone number must be ${message}.`;
  if (field === 'contact' || message === CONTACT_REQUIRED) return SENTENCE.contact(message);
  return SENTENCE[field](message);
}

/** The contract's own issues, worded per field; anything without a field goes to `other`. */
function errorsFromIssues(issues: { path: PropertyKey[]; message: string }[]): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = FIELD_OF_PATH[issue.path.map(String).join('.')];
    if (field) fields[field] ??= sentenceFor(field, issue.message);
    else other.push(issue.message);
  }
  return { fields, other };
}

/** The server's message is `path: message; path: message` (the router's format). */
function errorsFromServer(message: string): FieldErrors | null {
  const fields: FieldErrors = {};
  for (const part of message.split('; ')) {
    const at = part.indexOf(': ');
    const field = at > 0 ? FIELD_OF_PATH[part.slice(0, at)] : undefined;
    if (!field) return null;
    fields[field] ??= sentenceFor(field, part.slice(at + 2));
  }
  return fields;
}

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Now, as a `datetime-local` value in `timeZone`. */
function nowIn(timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const TIME_ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

export function NewRequestForm(): React.JSX.Element {
  const settings = useOperation('settings.get', {});
  // The organisation's zone once Settings is read; the computer's until then.
  const orgZone = settings.data?.timeZone ?? browserTimeZone();
  const [zoneChoice, setZoneChoice] = useState<string | null>(null);
  const timeZone = zoneChoice ?? orgZone;
  const create = useRegisterMutation('requests.create');
  const [form, setForm] = useState({
    type: 'access' as Request['type'],
    regulation: 'GDPR' as Request['regulation'],
    channel: 'email' as Request['channel'],
    /** Empty until the officer types a time: "now" in whichever zone is chosen. */
    receivedAt: '',
    name: '',
    email: '',
    phone: '',
    owner: '',
    notes: '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [other, setOther] = useState<string[]>([]);
  const zones = useMemo(() => (TIME_ZONES.includes(timeZone) ? TIME_ZONES : [timeZone, ...TIME_ZONES]), [timeZone]);
  const set = (patch: Partial<typeof form>, clears: Field[] = []) => {
    setForm((f) => ({ ...f, ...patch }));
    if (clears.length > 0) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !clears.includes(k as Field))));
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const receivedAt = wallTimeToInstant(form.receivedAt || nowIn(timeZone), timeZone);
    const payload = {
      type: form.type,
      regulation: form.regulation,
      channel: form.channel,
      receivedAt: receivedAt ?? '',
      requester: {
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      },
      ...(form.owner.trim() ? { owner: form.owner.trim() } : {}),
      ...(form.notes ? { notes: form.notes } : {}),
    };
    // The contract's own schema: the form refuses exactly what the core would.
    const checked = requestOperations['requests.create'].input.safeParse(payload);
    if (!checked.success || !receivedAt) {
      const found = checked.success ? { fields: {}, other: [] } : errorsFromIssues(checked.error.issues);
      if (!receivedAt) found.fields.received = 'Enter the date and time the request was received.';
      setErrors(found.fields);
      setOther(found.other);
      return;
    }
    setErrors({});
    setOther([]);
    const created = await create.run(payload);
    if (created) navigateTo('requests', [created.id]);
  };

  const serverFields = create.error && create.error.code === 'invalid_input' ? errorsFromServer(create.error.message) : null;
  const shown: FieldErrors = { ...serverFields, ...errors };
  const described = (field: Field, hint?: string) => {
    const ids = [shown[field] ? `nr-${field}-error` : null, hint ?? null].filter(Boolean).join(' ');
    return { 'aria-invalid': shown[field] ? true : undefined, 'aria-describedby': ids || undefined };
  };
  const fieldError = (field: Field) =>
    shown[field] ? (
      <p className="field-error" id={`nr-${field}-error`} role="alert">
        {shown[field]}
      </p>
    ) : null;

  return (
    <form className="form card new-request-form" onSubmit={(e) => void submit(e)} aria-labelledby="new-request-title" noValidate>
      <h2 id="new-request-title">New request</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="nr-type">Type</label>
          <select id="nr-type" value={form.type} onChange={(e) => set({ type: e.target.value as Request['type'] })}>
            <Options pairs={Object.entries(TYPE_LABELS)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="nr-regulation">Regulation</label>
          <select
            id="nr-regulation"
            value={form.regulation}
            onChange={(e) => set({ regulation: e.target.value as Request['regulation'] }, ['received'])}
          >
            <Options pairs={Object.entries(REGULATION_LABELS)} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="nr-channel">Channel</label>
          <select id="nr-channel" value={form.channel} onChange={(e) => set({ channel: e.target.value as Request['channel'] })}>
            <Options values={CHANNELS} label={(c) => CHANNEL_LABELS[c]} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="nr-received">Received</label>
          <input
            id="nr-received"
            type="datetime-local"
            value={form.receivedAt || nowIn(timeZone)}
            min={`${REGULATION_START[form.regulation]}T00:00`}
            max={nowIn(timeZone)}
            onChange={(e) => set({ receivedAt: e.target.value }, ['received'])}
            required
            {...described('received', 'nr-received-hint')}
          />
          {fieldError('received')}
        </div>
        <div className="field">
          <label htmlFor="nr-zone">Time zone of that time</label>
          <select
            id="nr-zone"
            value={timeZone}
            onChange={(e) => {
              setZoneChoice(e.target.value);
              setErrors((x) => ({ ...x, received: undefined }));
            }}
            aria-describedby="nr-received-hint"
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
                {z === orgZone ? ' (organisation)' : ''}
              </option>
            ))}
          </select>
          <p className="hint" id="nr-received-hint">
            Not in the future, and not before {REGULATION_START[form.regulation]} when the {REGULATION_LABELS[form.regulation]} began to
            apply. Deadlines count in the organisation’s time zone ({orgZone}).
          </p>
        </div>
      </div>
      <fieldset className="contact-fieldset" aria-describedby={shown.contact ? 'nr-contact-error' : 'nr-contact-hint'}>
        <legend>Requester: at least one way to reach them</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="nr-name">Requester name</label>
            <input
              id="nr-name"
              value={form.name}
              onChange={(e) => set({ name: e.target.value }, ['name', 'contact'])}
              maxLength={REQUEST_FIELD_LIMITS.name}
              autoComplete="off"
              {...described('name')}
            />
            {fieldError('name')}
          </div>
          <div className="field">
            <label htmlFor="nr-email">Requester e-mail</label>
            <input
              id="nr-email"
              type="email"
              value={form.email}
              onChange={(e) => set({ email: e.target.value }, ['email', 'contact'])}
              maxLength={REQUEST_FIELD_LIMITS.email}
              autoComplete="off"
              {...described('email')}
            />
            {fieldError('email')}
          </div>
          <div className="field">
            <label htmlFor="nr-phone">Requester phone</label>
            <input
              id="nr-phone"
              type="tel"
              value={form.phone}
              onChange={(e) => set({ phone: e.target.value }, ['phone', 'contact'])}
              maxLength={REQUEST_FIELD_LIMITS.phone}
              autoComplete="off"
              {...described('phone')}
            />
            {fieldError('phone')}
          </div>
        </div>
        {shown.contact ? (
          <p className="field-error" id="nr-contact-error" role="alert">
            {shown.contact}
          </p>
        ) : (
          <p className="hint" id="nr-contact-hint">
            Contact details stay in the encrypted register; the audit log records the request without them.
          </p>
        )}
      </fieldset>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="nr-owner">Owner</label>
          <input
            id="nr-owner"
            value={form.owner}
            onChange={(e) => set({ owner: e.target.value }, ['owner'])}
            maxLength={REQUEST_FIELD_LIMITS.owner}
            placeholder="Staff name"
            {...described('owner')}
          />
          {fieldError('owner')}
        </div>
      </div>
      <label htmlFor="nr-notes">Notes</label>
      <textarea
        id="nr-notes"
        rows={3}
        value={form.notes}
        onChange={(e) => set({ notes: e.target.value }, ['notes'])}
        maxLength={REQUEST_FIELD_LIMITS.notes}
        {...described('notes')}
      />
      {fieldError('notes')}
      {other.length > 0 ? (
        <p className="text-danger" role="alert">
          {other.join(' ')}
        </p>
      ) : null}
      {create.error && !serverFields ? <ErrorBanner error={create.error} title="The request was not recorded" /> : null}
      <SubmitRow label="Record request" pending={create.pending} />
    </form>
  );
}
