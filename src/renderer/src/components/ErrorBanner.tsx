import type { ApiError } from '../api/client';

export function ErrorBanner({ error, onRetry, title }: { error: ApiError; onRetry?: () => void; title?: string }): React.JSX.Element {
  return (
    <div className="banner banner-error" role="alert">
      <div>
        <strong>{title ?? 'Something went wrong'}</strong>
        <p>
          {error.message} <code className="error-code">{error.code}</code>
        </p>
      </div>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
