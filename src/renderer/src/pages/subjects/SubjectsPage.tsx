import { useEffect, useState } from 'react';
import { useOperation } from '../../api/hooks';
import { useHashLocation } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { DossierPage } from './DossierPage';
import { FULL_EMAIL, SubjectFirstPanel } from './SubjectFirstPanel';
import { SubjectResultsTable } from './SubjectResultsTable';
import { rememberSearch, searchQueryOf } from './search-state';
import './subjects.css';

/** `#/subjects` searches; `#/subjects/<ref>` shows that subject's dossier. */
export function SubjectsPage(): React.JSX.Element {
  const { segments, query } = useHashLocation();
  const ref = segments[0];
  if (ref !== undefined) return <DossierPage subjectRef={ref} exportKind={query.get('export')} />;
  return <SubjectSearch />;
}

function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function SubjectSearch(): React.JSX.Element {
  // From the address, so Back and "← Subjects" come back to the same results.
  const [text, setText] = useState(() => searchQueryOf());
  const query = useDebounced(text.trim(), 150);
  useEffect(() => rememberSearch(query), [query]);
  return (
    <div className="subjects-page">
      <header className="page-header">
        <h1>Subjects</h1>
        <p className="muted">Everyone the local cache holds, found by email, name, phone, external id or words in their comments.</p>
      </header>
      <div className="field subject-search">
        <label htmlFor="subject-search">Search people</label>
        <input
          id="subject-search"
          type="search"
          autoFocus
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          placeholder="ana.lopez@example.com, +49 30 1234567, José, crm-42…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {query.length === 0 ? (
        <p className="muted empty-state">Type to search the whole cache; results appear as you type.</p>
      ) : (
        <SearchResults query={query} />
      )}
    </div>
  );
}

function SearchResults({ query }: { query: string }): React.JSX.Element {
  const search = useOperation('subjects.search', { query, limit: 200 });
  if (search.error) return <ErrorBanner error={search.error} onRetry={search.reload} title="The search failed" />;
  if (search.loading || !search.data) {
    return (
      <p className="muted" role="status">
        Searching…
      </p>
    );
  }
  const { results, truncated } = search.data;
  // A whole address can be fetched from the helpdesk now, before (or while) the first sync runs.
  // One tree for both cases, so the panel keeps its look when the person then appears in the results.
  const panel = FULL_EMAIL.test(query) ? (
    <SubjectFirstPanel key={query.toLowerCase()} email={query.toLowerCase()} found={results.length} />
  ) : null;
  return (
    <>
      {results.length === 0 ? (
        <p className="empty-state" role="status">
          Nobody in the local cache matches “{query}”.
        </p>
      ) : (
        <p className="muted" role="status">
          {results.length} {results.length === 1 ? 'person' : 'people'}
          {truncated ? ' (more match: type more to narrow down)' : ''}
        </p>
      )}
      {panel}
      {results.length > 0 ? <SubjectResultsTable results={results} query={query} /> : null}
    </>
  );
}
