import type { ReactNode } from 'react';

/** A page whose feature has not landed yet: it says what it will hold and shows nothing fake. */
export function PagePlaceholder({ title, intro, items, children }: { title: string; intro: string; items: string[]; children?: ReactNode }): React.JSX.Element {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{title}</h1>
        <p className="muted">{intro}</p>
      </header>
      <div className="empty-state">
        <p className="empty-title">Not available yet in this version</p>
        <p className="muted">When it lands, this page will hold:</p>
        <ul>
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
        {children}
      </div>
    </section>
  );
}
