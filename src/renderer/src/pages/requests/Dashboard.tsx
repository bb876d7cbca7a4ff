import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DashboardView } from '../../../../shared/contract/groups/requests';
import { hrefFor } from '../../app/router';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatDate, REGULATION_LABELS, STATUS_LABELS, TYPE_LABELS, dueInWords } from './labels';
import { useRegisterQuery } from './register-api';

/**
 * Colours come from the theme through CSS classes on the SVG shapes (see requests.css), so the
 * charts follow light and dark themes; recharts sets only geometry, via DOM properties that the
 * console's style-src 'self' policy allows.
 */
function ChartCard({
  title,
  summary,
  note,
  children,
}: {
  title: string;
  summary: string;
  /** A visible line under the title (e.g. the current figure the chart ends on). */
  note?: string;
  children: React.ReactNode;
}): React.JSX.Element {
  return (
    <figure className="chart-card">
      <figcaption>
        <h3>{title}</h3>
        {note ? <p className="chart-note">{note}</p> : null}
        <p className="visually-hidden">{summary}</p>
      </figcaption>
      <div className="chart-body" aria-hidden="true">
        {children}
      </div>
    </figure>
  );
}

const axisTick = { className: 'chart-tick' } as const;
const DUE_WEEK_SHOWN = 6;

/**
 * The register's overview in two parts: `summary` (the figures and what is due this week) goes
 * above the queue, `charts` below it, so the list an officer acts on is never under four charts.
 */
export function Dashboard({ data, part }: { data: DashboardView; part: 'summary' | 'charts' }): React.JSX.Element {
  const byStatus = data.byStatus.map((s) => ({ name: STATUS_LABELS[s.status], count: s.count }));
  const byType = data.byType.map((t) => ({ name: TYPE_LABELS[t.type], count: t.count }));
  const trend = data.overdueTrend.map((w) => ({ name: formatDate(w.weekEnding), overdue: w.overdue }));
  const medians = data.medianDaysToClose.map((m) => ({
    name: REGULATION_LABELS[m.regulation],
    days: m.medianDays ?? 0,
    closed: m.closed,
    known: m.medianDays !== null,
  }));
  const anyClosed = medians.some((m) => m.closed > 0);
  if (part === 'summary') {
    return (
      <section className="dashboard dashboard-summary" aria-label="Summary">
        <div className="stat-row">
          <div className="stat">
            <span className="stat-value">{data.open}</span>
            <span className="stat-label">open requests</span>
          </div>
          <div className={`stat ${data.overdue > 0 ? 'stat-danger' : ''}`}>
            <span className="stat-value">{data.overdue}</span>
            <span className="stat-label">overdue</span>
          </div>
          <div className={`stat ${data.dueThisWeek.length > 0 ? 'stat-warn' : ''}`}>
            <span className="stat-value">{data.dueThisWeek.length}</span>
            <span className="stat-label">due within 7 days</span>
          </div>
          <div className="stat">
            <span className="stat-value">{data.unverifiedOpen}</span>
            <span className="stat-label">awaiting identity verification</span>
          </div>
        </div>
        {data.dueThisWeek.length > 0 ? (
          <div className="due-week">
            <h3>Due this week</h3>
            <ul>
              {data.dueThisWeek.slice(0, DUE_WEEK_SHOWN).map((d) => (
                <li key={d.id}>
                  <a href={hrefFor('requests', [d.id])}>{d.reference}</a> · {TYPE_LABELS[d.type]} · {REGULATION_LABELS[d.regulation]} ·{' '}
                  {formatDate(d.due)} <span className="due-pill due-soon">{dueInWords(d.daysRemaining)}</span>
                </li>
              ))}
            </ul>
            {data.dueThisWeek.length > DUE_WEEK_SHOWN ? (
              <p className="muted">and {data.dueThisWeek.length - DUE_WEEK_SHOWN} more: sort the queue by due date to see them all.</p>
            ) : null}
          </div>
        ) : null}
      </section>
    );
  }
  return (
    <section className="dashboard" aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">Overview</h2>
      <div className="chart-grid">
        <ChartCard title="Open requests by status" summary={byStatus.map((s) => `${s.name}: ${s.count}`).join(', ')}>
          <ResponsiveContainer width="100%" height={200}>
            <BarChart accessibilityLayer={false} data={byStatus} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 16 }}>
              <CartesianGrid className="chart-grid-lines" horizontal={false} />
              <XAxis type="number" allowDecimals={false} tick={axisTick} fontSize={11} />
              <YAxis type="category" dataKey="name" tick={axisTick} width={110} fontSize={11} />
              <Tooltip cursor={false} wrapperClassName="chart-tooltip" />
              <Bar dataKey="count" name="Requests" className="chart-bar" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard
          title="Open requests by type"
          summary={byType.length === 0 ? 'None open' : byType.map((t) => `${t.name}: ${t.count}`).join(', ')}
        >
          {byType.length === 0 ? (
            <p className="muted chart-empty">No open requests.</p>
          ) : (
            <ResponsiveContainer width="100%" height={200}>
              <BarChart accessibilityLayer={false} data={byType} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 16 }}>
                <CartesianGrid className="chart-grid-lines" horizontal={false} />
                <XAxis type="number" allowDecimals={false} tick={axisTick} fontSize={11} />
                <YAxis type="category" dataKey="name" tick={axisTick} width={90} fontSize={11} />
                <Tooltip cursor={false} wrapperClassName="chart-tooltip" />
                <Bar dataKey="count" name="Requests" className="chart-bar chart-bar-alt" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
        <ChartCard
          title="Overdue requests at the end of each week"
          summary={trend.map((w) => `${w.name}: ${w.overdue} overdue`).join('; ')}
          note={`Now: ${data.overdue} overdue, the figure above.`}
        >
          <ResponsiveContainer width="100%" height={200}>
            <LineChart accessibilityLayer={false} data={trend} margin={{ top: 8, right: 12, bottom: 0, left: -20 }}>
              <CartesianGrid className="chart-grid-lines" vertical={false} />
              <XAxis dataKey="name" tick={axisTick} fontSize={11} minTickGap={24} />
              <YAxis allowDecimals={false} tick={axisTick} fontSize={11} />
              <Tooltip wrapperClassName="chart-tooltip" />
              <Line type="monotone" dataKey="overdue" name="Overdue" className="chart-line-danger" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard
          title="Median days to close, by regulation"
          summary={medians.map((m) => `${m.name}: ${m.known ? `${m.days} days over ${m.closed} closed` : 'nothing closed yet'}`).join('; ')}
        >
          {anyClosed ? (
            <ResponsiveContainer width="100%" height={200}>
              <BarChart accessibilityLayer={false} data={medians} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
                <CartesianGrid className="chart-grid-lines" vertical={false} />
                <XAxis dataKey="name" tick={axisTick} fontSize={11} />
                <YAxis tick={axisTick} fontSize={11} />
                <Tooltip cursor={false} wrapperClassName="chart-tooltip" />
                <Bar dataKey="days" name="Median days" className="chart-bar chart-bar-ok" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          ) : (
            <p className="muted chart-empty">No completed or denied requests yet.</p>
          )}
        </ChartCard>
      </div>
    </section>
  );
}

export function DashboardSection({ part }: { part: 'summary' | 'charts' }): React.JSX.Element | null {
  const dashboard = useRegisterQuery('requests.dashboard', {});
  if (dashboard.loading)
    return part === 'charts' ? null : (
      <p className="muted" role="status">
        Loading the overview…
      </p>
    );
  if (dashboard.error)
    return part === 'charts' ? null : (
      <ErrorBanner error={dashboard.error} onRetry={dashboard.reload} title="The overview could not be computed" />
    );
  if (!dashboard.data) return null;
  return <Dashboard data={dashboard.data} part={part} />;
}
