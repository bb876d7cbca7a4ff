import { useState } from 'react';
import type { Request } from '../../../../shared/contract/groups/requests';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Options } from '../../components/Options';
import { downloadText } from './download';
import { useRegisterMutation, type RegisterOutput } from './register-api';

type Template = 'acknowledgement' | 'extension' | 'completion' | 'denial';
const TEMPLATE_LABELS: Record<Template, string> = {
  acknowledgement: 'Acknowledgement',
  extension: 'Extension notice',
  completion: 'Completion',
  denial: 'Denial (with article)',
};

export function LettersCard({ r }: { r: Request }): React.JSX.Element {
  const letter = useRegisterMutation('requests.letter');
  const [template, setTemplate] = useState<Template>(
    r.status === 'denied' ? 'denial' : r.extension ? 'extension' : isClosed(r) ? 'completion' : 'acknowledgement',
  );
  const [result, setResult] = useState<RegisterOutput<'requests.letter'> | null>(null);
  return (
    <section className="card" aria-labelledby="letters-title">
      <h2 id="letters-title">Response letters</h2>
      <div className="inline-form">
        <label htmlFor="l-template">Template</label>
        <select id="l-template" value={template} onChange={(e) => setTemplate(e.target.value as Template)}>
          <Options values={Object.keys(TEMPLATE_LABELS) as Template[]} label={(t) => TEMPLATE_LABELS[t]} />
        </select>
        <button
          type="button"
          className="button"
          disabled={letter.pending}
          onClick={async () => setResult((await letter.run({ id: r.id, template })) ?? null)}
        >
          Write letter
        </button>
      </div>
      {letter.error ? <ErrorBanner error={letter.error} title="The letter could not be written" /> : null}
      {result ? (
        <div className="letter">
          <p>
            <strong>Subject:</strong> {result.subject}
          </p>
          <pre className="letter-text" tabIndex={0} aria-label="Letter text">
            {result.text}
          </pre>
          <div className="button-row">
            <button
              type="button"
              className="button button-small"
              onClick={() => downloadText(`${result.fileBase}.txt`, 'text/plain', result.text)}
            >
              Save as text
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => downloadText(`${result.fileBase}.html`, 'text/html', result.html)}
            >
              Save as HTML
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function isClosed(r: Request): boolean {
  return r.closedAt !== null;
}
