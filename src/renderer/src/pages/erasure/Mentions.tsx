import type { ErasurePlan, PlanMention, TicketDecision } from '../../../../shared/contract/groups/erasure';

/**
 * Other people's comments that quote the subject (#19 item 6): in the preview, each with its words,
 * its ticket and the choice about the name beside the address; in the confirmation, what is kept
 * as it is after review (to be acknowledged) and what is redacted.
 */

/** What happens to a mention: its ticket's decision, in the officer's words. */
const OUTCOME: Record<TicketDecision, string> = {
  redact: 'Redacted',
  review: 'Left for review: kept as it is',
  keep: 'Kept (exempt ticket)',
  blocked: 'Kept for now (ticket blocked)',
  delete: 'Deleted with the ticket',
};

const PILL: Record<TicketDecision, string> = {
  redact: 'pill',
  review: 'pill pill-warn',
  keep: 'pill pill-muted',
  blocked: 'pill pill-warn',
  delete: 'pill pill-muted',
};

const quoted = (strings: readonly string[]): string => strings.map((s) => `“${s}”`).join(', ');

function MentionHead({ m }: { m: PlanMention }): React.JSX.Element {
  return (
    <div className="erasure-mention-head">
      <code>#{m.ticketId}</code>
      <span className="erasure-mention-title">{m.ticketTitle || 'Untitled ticket'}</span>
    </div>
  );
}

export function MentionList({
  plan,
  editable,
  pending,
  onChooseName,
}: {
  plan: ErasurePlan;
  editable: boolean;
  pending: boolean;
  onChooseName: (commentId: number, redact: boolean) => void;
}): React.JSX.Element | null {
  if (plan.mentions.length === 0) return null;
  return (
    <section className="erasure-mentions" aria-labelledby="erasure-mentions-title">
      <h3 id="erasure-mentions-title">Mentions in other people&apos;s comments · {plan.mentions.length}</h3>
      <p className="hint">
        Comments by someone else that quote the subject&apos;s e-mail or phone. Each follows its ticket&apos;s decision; where the
        subject&apos;s name stands beside the address, it is redacted with it unless you keep it.
      </p>
      <ul className="erasure-mention-list">
        {plan.mentions.map((m) => (
          <li key={m.commentId} className="erasure-mention">
            <MentionHead m={m} />
            <span className={PILL[m.decision]}>{OUTCOME[m.decision]}</span>
            <blockquote className="erasure-mention-words">{m.excerpt}</blockquote>
            {m.name ? (
              <label className="checkbox-row erasure-mention-name">
                <input
                  type="checkbox"
                  checked={m.name.redact}
                  disabled={!editable || pending}
                  onChange={(e) => onChooseName(m.commentId, e.target.checked)}
                />
                Also redact the name {quoted(m.name.strings)} beside the address
                {m.decision === 'review' ? ' (if you override this ticket to redact)' : ''}
              </label>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The mentions part of the confirmation: those left for review are listed with their words and
 * ticket, and the run waits until the officer says they have read them and keeps them.
 */
export function ConfirmMentions({
  plan,
  acknowledged,
  onAcknowledge,
}: {
  plan: ErasurePlan;
  acknowledged: boolean;
  onAcknowledge: (yes: boolean) => void;
}): React.JSX.Element | null {
  const review = plan.mentions.filter((m) => m.decision === 'review');
  const redacted = plan.mentions.filter((m) => m.decision === 'redact');
  if (review.length === 0 && redacted.length === 0) return null;
  return (
    <div className="erasure-confirm-mentions">
      {review.length > 0 ? (
        <section aria-labelledby="erasure-kept-mentions">
          <h3 id="erasure-kept-mentions">Kept as they are after review · {review.length}</h3>
          <p className="hint">
            These comments by other people quote the subject and stay in their tickets unchanged. To redact one instead, override its ticket
            above.
          </p>
          <ul className="erasure-mention-list">
            {review.map((m) => (
              <li key={m.commentId} className="erasure-mention">
                <MentionHead m={m} />
                <blockquote className="erasure-mention-words">{m.excerpt}</blockquote>
              </li>
            ))}
          </ul>
          <label className="checkbox-row erasure-ack">
            <input type="checkbox" checked={acknowledged} onChange={(e) => onAcknowledge(e.target.checked)} />I have read these{' '}
            {review.length} mention(s) and keep them as they are
          </label>
        </section>
      ) : null}
      {redacted.length > 0 ? (
        <section aria-labelledby="erasure-redacted-mentions">
          <h3 id="erasure-redacted-mentions">Redacted in other people&apos;s comments · {redacted.length}</h3>
          <ul className="erasure-mention-list">
            {redacted.map((m) => (
              <li key={m.commentId} className="erasure-mention">
                <MentionHead m={m} />
                <blockquote className="erasure-mention-words">{m.excerpt}</blockquote>
                <span className="muted">
                  {m.name
                    ? m.name.redact
                      ? `The address and the name ${quoted(m.name.strings)} are redacted.`
                      : `The address is redacted; the name ${quoted(m.name.strings)} is kept.`
                    : 'The address or phone is redacted.'}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
