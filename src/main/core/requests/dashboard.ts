import { isClosedStatus, REQUEST_STATUSES, type DashboardView, type Request } from '../../../shared/contract/groups/requests';
import { addDays, daysBetween, localDateOf, REGULATIONS, REQUEST_TYPES, type IsoDate } from '../../../shared/deadlines';

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** Whether a request was open (received, not yet closed) at the end of `date` in its zone. */
function openOn(r: Request, date: IsoDate): boolean {
  if (localDateOf(r.receivedAt, r.timeZone) > date) return false;
  return r.closedAt === null || localDateOf(r.closedAt, r.timeZone) > date;
}

/**
 * Figures for the register's dashboard. The overdue trend replays history from the stored
 * receipt and close dates against today's deadline rules: a request counts as overdue on a week's
 * last day when it was open then and its deadline (extended, if it was extended) had passed.
 */
export function computeDashboard(requests: readonly Request[], asOf: string, timeZone: string, weeks = 12): DashboardView {
  const open = requests.filter((r) => !isClosedStatus(r.status));
  const today = localDateOf(asOf, timeZone);
  const byStatus = REQUEST_STATUSES.filter((s) => !isClosedStatus(s)).map((status) => ({
    status,
    count: open.filter((r) => r.status === status).length,
  }));
  const byType = REQUEST_TYPES.map((type) => ({ type, count: open.filter((r) => r.type === type).length })).filter((t) => t.count > 0);
  const dueThisWeek = open
    .filter((r) => r.dueIn !== null && r.deadlines !== null && r.dueIn.daysRemaining >= 0 && r.dueIn.daysRemaining <= 7)
    .map((r) => ({
      id: r.id,
      reference: r.reference,
      type: r.type,
      regulation: r.regulation,
      due: r.deadlines?.due ?? today,
      daysRemaining: r.dueIn?.daysRemaining ?? 0,
    }))
    .sort((a, b) => a.daysRemaining - b.daysRemaining);
  const overdueTrend: DashboardView['overdueTrend'] = [];
  for (let w = weeks - 1; w >= 0; w -= 1) {
    const weekEnding = addDays(today, -7 * w);
    const openThen = requests.filter((r) => openOn(r, weekEnding));
    overdueTrend.push({
      weekEnding,
      open: openThen.length,
      // This week's point is the count the dashboard shows (each request's own zone and end of
      // day), so the chart and the figure beside it can never disagree.
      overdue:
        w === 0
          ? openThen.filter((r) => r.dueIn?.urgency === 'overdue').length
          : openThen.filter((r) => r.deadlines !== null && r.deadlines.due < weekEnding).length,
    });
  }
  const medianDaysToClose = REGULATIONS.map((regulation) => {
    const days = requests
      .filter((r) => r.regulation === regulation && (r.status === 'completed' || r.status === 'denied') && r.closedAt !== null)
      .map((r) => daysBetween(localDateOf(r.receivedAt, r.timeZone), localDateOf(r.closedAt ?? r.receivedAt, r.timeZone)));
    return { regulation, closed: days.length, medianDays: median(days) };
  });
  return {
    asOf,
    timeZone,
    open: open.length,
    unverifiedOpen: open.filter((r) => r.verification === null).length,
    overdue: open.filter((r) => r.dueIn?.urgency === 'overdue').length,
    byStatus,
    byType,
    dueThisWeek,
    overdueTrend,
    medianDaysToClose,
  };
}
