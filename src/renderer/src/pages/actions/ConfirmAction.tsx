import { useId, useState } from 'react';
import { RequestPicker } from '../requests/RequestPicker';

/**
 * The step between a button and an action with legal effect (a restriction, an objection): what
 * will happen, why (the reason is kept with the action), and the request it answers, if any.
 * Nothing is sent until the officer confirms.
 */
export function ConfirmAction({
  title,
  effect,
  confirmLabel,
  pendingLabel,
  pending,
  danger,
  userIds,
  initialRequestId,
  onConfirm,
  onCancel,
}: {
  title: string;
  effect: string;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  danger?: boolean;
  userIds: number[];
  initialRequestId?: string | undefined;
  onConfirm: (input: { reason: string; requestId?: string }) => void;
  onCancel: () => void;
}): React.JSX.Element {
  const id = useId();
  const [reason, setReason] = useState('');
  const [requestId, setRequestId] = useState(initialRequestId ?? '');
  return (
    <form
      className="actions-confirm"
      role="group"
      aria-labelledby={`${id}-t`}
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === '') return;
        onConfirm({ reason: reason.trim(), ...(requestId ? { requestId } : {}) });
      }}
    >
      <p id={`${id}-t`}>
        <strong>{title}</strong>
      </p>
      <p className="muted">{effect}</p>
      <label htmlFor={`${id}-reason`}>Reason (kept with the action; the audit trail records that one was given)</label>
      <textarea
        id={`${id}-reason`}
        required
        maxLength={200}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder="e.g. Accuracy contested by the person (Art. 18(1)(a))"
      />
      <label htmlFor={`${id}-request`}>Request it answers (optional)</label>
      <RequestPicker id={`${id}-request`} userIds={userIds} value={requestId} onChange={(v) => setRequestId(v)} />
      <div className="button-row">
        <button
          type="submit"
          className={danger ? 'button button-danger' : 'button button-primary'}
          disabled={pending || reason.trim() === ''}
        >
          {pending ? pendingLabel : confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
