import { useState } from 'react';
import type { Request } from '../../../../shared/contract/groups/requests';
import { navigateTo } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { CHANNELS, CHANNEL_LABELS, REGULATION_LABELS, TYPE_LABELS } from './labels';
import { useRegisterMutation } from './register-api';

/** `datetime-local` gives wall-clock time without a zone; the browser's offset makes it an instant. */
function localInputToIso(value: string): string | null {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function nowLocalInput(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function NewRequestForm(): React.JSX.Element {
  const create = useRegisterMutation('requests.create');
  const [form, setForm] = useState({
    type: 'access' as Request['type'],
    regulation: 'GDPR' as Request['regulation'],
    channel: 'email' as Request['channel'],
    receivedAt: nowLocalInput(),
    name: '',
    email: '',
    phone: '',
    owner: '',
    notes: '',
  });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const receivedAt = localInputToIso(form.receivedAt);
    if (!receivedAt) return setLocalError('Enter when the request was received.');
    setLocalError(null);
    const created = await create.run({
      type: form.type,
      regulation: form.regulation,
      channel: form.channel,
      receivedAt,
      requester: {
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      },
      ...(form.owner.trim() ? { owner: form.owner.trim() } : {}),
      ...(form.notes ? { notes: form.notes } : {}),
    });
    if (created) navigateTo('requests', [created.id]);
  };

  return (
    <form className="form card" onSubmit={(e) => void submit(e)} aria-labelledby="new-request-title">
      <h2 id="new-request-title">New request</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="nr-type">Type</label>
          <select id="nr-type" value={form.type} onChange={(e) => set({ type: e.target.value as Request['type'] })}>
            {Object.entries(TYPE_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nr-regulation">Regulation</label>
          <select id="nr-regulation" value={form.regulation} onChange={(e) => set({ regulation: e.target.value as Request['regulation'] })}>
            {Object.entries(REGULATION_LABELS).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nr-channel">Channel</label>
          <select id="nr-channel" value={form.channel} onChange={(e) => set({ channel: e.target.value as Request['channel'] })}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nr-received">Received</label>
          <input
            id="nr-received"
            type="datetime-local"
            value={form.receivedAt}
            onChange={(e) => set({ receivedAt: e.target.value })}
            required
          />
          <p className="hint">Your computer’s time; deadlines count in the organisation’s time zone (Settings).</p>
        </div>
        <div className="field">
          <label htmlFor="nr-name">Requester name</label>
          <input id="nr-name" value={form.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="nr-email">Requester e-mail</label>
          <input
            id="nr-email"
            type="email"
            value={form.email}
            onChange={(e) => set({ email: e.target.value })}
            maxLength={200}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="nr-phone">Requester phone</label>
          <input
            id="nr-phone"
            type="tel"
            value={form.phone}
            onChange={(e) => set({ phone: e.target.value })}
            maxLength={40}
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="nr-owner">Owner</label>
          <input id="nr-owner" value={form.owner} onChange={(e) => set({ owner: e.target.value })} maxLength={200} />
        </div>
      </div>
      <label htmlFor="nr-notes">Notes</label>
      <textarea id="nr-notes" rows={3} value={form.notes} onChange={(e) => set({ notes: e.target.value })} maxLength={20000} />
      <p className="hint">Contact details stay in the encrypted register; the audit log records the request without them.</p>
      {localError ? (
        <p className="text-danger" role="alert">
          {localError}
        </p>
      ) : null}
      {create.error ? <ErrorBanner error={create.error} title="The request was not recorded" /> : null}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={create.pending}>
          Record request
        </button>
      </div>
    </form>
  );
}
