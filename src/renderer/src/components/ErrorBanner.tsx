import type { ApiError } from '../api/client';
import { SHEET_SECTIONS, sheetFieldAnchor } from '../../../shared/information-sheet';
import { hrefFor } from '../app/router';

/** An access archive refused for an incomplete information sheet links to the empty fields. */
function SheetLinks({ error }: { error: ApiError }): React.JSX.Element | null {
  const details = error.info.details;
  if (details?.reason !== 'information_sheet_incomplete' || typeof details.missing !== 'string') return null;
  const missing = details.missing.split(',');
  const sections = SHEET_SECTIONS.filter((s) => missing.includes(s.key));
  return (
    <ul className="sheet-links" aria-label="Empty sections of the information sheet">
      {sections.map((s) => (
        <li key={s.key}>
          <a href={hrefFor('settings', [], { focus: sheetFieldAnchor(s.key) })}>
            {s.article} {s.title}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function ErrorBanner({ error, onRetry, title }: { error: ApiError; onRetry?: () => void; title?: string }): React.JSX.Element {
  return (
    <div className="banner banner-error" role="alert">
      <div>
        <strong>{title ?? 'Something went wrong'}</strong>
        <p>
          {error.message} <code className="error-code">{error.code}</code>
        </p>
        <SheetLinks error={error} />
      </div>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
